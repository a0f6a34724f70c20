/**
 * Measures where remote carets and selections fall in a textarea's text layout. The host renders
 * a hidden "mirror" of the textarea's text with the same font, padding and wrapping; after each
 * render this controller asks the browser for the rectangles of each caret's range in the mirror
 * (`Range.getClientRects`), follows the textarea's scrolling and resizing, and re-renders the
 * host when the layout changed.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** A remote user's caret or selection, in code units of the text shown. */
export interface RemoteCaret {
  readonly id: number;
  readonly name: string;
  readonly color: string;
  /** Selection start and end (equal for a bare caret). */
  readonly start: number;
  readonly end: number;
  /** Where the caret bar is drawn: `start` or `end`. */
  readonly head: number;
}

/** A rectangle relative to the overlay (the textarea's padding box). */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Where one remote caret is drawn. */
export interface CaretLayout {
  readonly caret: RemoteCaret;
  readonly bar: Box | undefined;
  readonly boxes: readonly Box[];
}

/** The elements the layout is measured from (any may be missing before the first render). */
export interface CaretElements {
  readonly textarea: HTMLTextAreaElement | null | undefined;
  /** The overlay box placed over the textarea. */
  readonly overlay: HTMLElement | null | undefined;
  /** The mirror inside the overlay; its first child is the text node (text plus a sentinel). */
  readonly mirror: HTMLElement | null | undefined;
}

/** The textarea styles the mirror copies so that it wraps text exactly like the textarea. */
const MIRRORED = [
  'fontFamily',
  'fontSize',
  'fontWeight',
  'fontStyle',
  'lineHeight',
  'letterSpacing',
  'wordSpacing',
  'tabSize',
  'textTransform',
  'textIndent',
  'paddingTop',
  'paddingRight',
  'paddingBottom',
  'paddingLeft',
  'whiteSpace',
  'wordBreak',
  'overflowWrap',
] as const;

/** Layout of remote carets over one textarea. */
export class CaretLayoutController implements ReactiveController {
  /** Inline style for the overlay box (over the textarea's padding box). */
  overlayStyle: Record<string, string> = {};
  /** Inline style for the mirror (fonts, padding, width, scroll offset). */
  mirrorStyle: Record<string, string> = {};
  /** The measured carets, in input order. */
  layout: readonly CaretLayout[] = [];

  readonly #host: ReactiveControllerHost;
  readonly #elements: () => CaretElements;
  readonly #carets: () => readonly RemoteCaret[];
  #observed: HTMLTextAreaElement | undefined;
  #resize: ResizeObserver | undefined;
  #signature = '';
  readonly #onScroll = (): void => this.#host.requestUpdate();

  constructor(
    host: ReactiveControllerHost,
    elements: () => CaretElements,
    carets: () => readonly RemoteCaret[],
  ) {
    this.#host = host;
    this.#elements = elements;
    this.#carets = carets;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#observe(undefined);
  }

  hostUpdated(): void {
    const { textarea, overlay, mirror } = this.#elements();
    this.#observe(textarea ?? undefined);
    if (!textarea || !overlay || !mirror) return;
    const computed = getComputedStyle(textarea);
    const mirrorStyle: Record<string, string> = {
      width: `${textarea.clientWidth}px`,
      transform: `translate(${-textarea.scrollLeft}px, ${-textarea.scrollTop}px)`,
    };
    for (const key of MIRRORED) mirrorStyle[kebab(key)] = computed[key];
    const overlayStyle = {
      top: `${textarea.offsetTop + textarea.clientTop}px`,
      left: `${textarea.offsetLeft + textarea.clientLeft}px`,
      width: `${textarea.clientWidth}px`,
      height: `${textarea.clientHeight}px`,
    };
    const layout = this.#measure(overlay, mirror);
    const signature = JSON.stringify([overlayStyle, mirrorStyle, layout]);
    if (signature === this.#signature) return;
    this.#signature = signature;
    this.overlayStyle = overlayStyle;
    this.mirrorStyle = mirrorStyle;
    this.layout = layout;
    this.#host.requestUpdate();
  }

  #measure(overlay: HTMLElement, mirror: HTMLElement): CaretLayout[] {
    let text: Text | undefined;
    for (const node of mirror.childNodes) if (node instanceof Text && node.length > 0) text = node;
    if (!text) return [];
    const origin = overlay.getBoundingClientRect();
    const length = text.length;
    const range = document.createRange();
    const relative = (r: DOMRect): Box => ({
      x: round(r.left - origin.left),
      y: round(r.top - origin.top),
      w: round(r.width),
      h: round(r.height),
    });
    return this.#carets().map((caret) => {
      const start = clamp(caret.start, length);
      const end = clamp(caret.end, length);
      const boxes: Box[] = [];
      if (end > start) {
        range.setStart(text, start);
        range.setEnd(text, end);
        for (const rect of range.getClientRects()) if (rect.width > 0) boxes.push(relative(rect));
      }
      // The mirror ends with a zero-width sentinel, so the character after the head always exists.
      const head = clamp(caret.head, length - 1);
      range.setStart(text, head);
      range.setEnd(text, head + 1);
      const rect = range.getClientRects()[0];
      const bar = rect ? { ...relative(rect), w: 2 } : undefined;
      return { caret, bar, boxes };
    });
  }

  #observe(textarea: HTMLTextAreaElement | undefined): void {
    if (textarea === this.#observed) return;
    this.#observed?.removeEventListener('scroll', this.#onScroll);
    this.#resize?.disconnect();
    this.#observed = textarea;
    if (!textarea) return;
    textarea.addEventListener('scroll', this.#onScroll, { passive: true });
    this.#resize = new ResizeObserver(() => this.#host.requestUpdate());
    this.#resize.observe(textarea);
  }
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function clamp(value: number, max: number): number {
  return Math.min(Math.max(0, value), Math.max(0, max));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
