import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

/** A modal dialog: focus moves into it when it opens and back where it was when it closes;
 * Escape closes it (when it may be closed). */
export function Dialog(props: {
  label?: string;
  labelledBy?: string;
  wide?: boolean;
  /** Another class of the dialog's box. */
  class?: string;
  onClose?: (() => void) | undefined;
  children: ComponentChildren;
}) {
  const box = useRef<HTMLDivElement>(null);
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    box.current
      ?.querySelector<HTMLElement>("input:not([readonly]), select, textarea, button, a[href]")
      ?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && onClose.current) onClose.current();
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
      before?.focus();
    };
  }, []);
  return (
    <div
      class="overlay"
      role="dialog"
      aria-modal="true"
      aria-label={props.label}
      aria-labelledby={props.labelledBy}
    >
      <div ref={box} class={["dialog", props.wide ? "wide" : "", props.class ?? ""].join(" ").trim()}>
        {props.children}
      </div>
    </div>
  );
}
