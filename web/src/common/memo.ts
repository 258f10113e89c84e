import { Component, createElement, type FunctionComponent } from "preact";

/** Whether two props objects differ in any value (compared with `Object.is`). */
export function shallowDiffers(a: object, b: object): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const key in x) if (!(key in y)) return true;
  for (const key in y) if (!Object.is(x[key], y[key])) return true;
  return false;
}

/** `inner`, drawn again only when one of its props changed: a long form then redraws the one
 * question a keystroke changed, not all of them. Preact's own `memo` lives in `preact/compat`,
 * which would bring the whole React layer into the field app's shell. Callbacks passed to it
 * must keep their identity (`useCallback`), or it redraws every time. */
export function memo<P extends object>(inner: FunctionComponent<P>): FunctionComponent<P> {
  class Memo extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      return shallowDiffers(this.props, next);
    }
    override render(props: P) {
      return createElement(inner, props);
    }
  }
  return Memo as unknown as FunctionComponent<P>;
}
