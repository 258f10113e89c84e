import type { ComponentChildren } from "preact";

import { onLinkClick } from "../../common/router";

export function Link(props: { href: string; class?: string; children: ComponentChildren }) {
  return (
    <a href={props.href} class={props.class} onClick={(e) => onLinkClick(e, props.href)}>
      {props.children}
    </a>
  );
}
