/**
 * The other users' carets and selections, drawn from presence: a coloured bar at each peer's head
 * (`.accord-caret`, its `data-name` shown above it by CSS, so it is not editor text) and their
 * selection shaded in their colour (`.accord-selection`). Drawn from presence when it changes, and
 * moved with the text around them when the document changes.
 */

import { type Anchor, decodeAnchor, resolveAnchor } from '@accord/core';
import type { Node, Schema } from 'prosemirror-model';
import { Plugin, PluginKey } from 'prosemirror-state';
import { Decoration, DecorationSet } from 'prosemirror-view';
import type { BlockMapping } from './convert.js';
import type { BlocksLike } from './flat.js';
import { flatToPos } from './positions.js';
import {
  type AnchorResolver,
  type PeerPresence,
  type PresenceSource,
  resolveCursor,
  safeColor,
  safeName,
} from './presence.js';

/** One remote caret to draw, in positions of the editor's document. */
export interface RemoteCaret {
  readonly id: number;
  readonly name: string;
  readonly color: string;
  readonly anchor: number;
  readonly head: number;
}

/**
 * The carets of `peers` in `doc` (those whose cursor is well formed), ordered by session id.
 * Never throws on hostile presence.
 */
export function remoteCarets(
  mapping: BlockMapping,
  doc: Node,
  peers: ReadonlyMap<number, PeerPresence>,
  resolve?: AnchorResolver,
): RemoteCaret[] {
  const layout = mapping.layout(doc);
  const carets: RemoteCaret[] = [];
  for (const [id, state] of peers) {
    const cursor = resolveCursor(state?.cursor ?? null, layout.flatLength, resolve);
    if (!cursor) continue;
    carets.push({
      id,
      name: safeName(state.name, `User ${id}`),
      color: safeColor(state.color),
      anchor: flatToPos(layout, cursor.anchor),
      head: flatToPos(layout, cursor.head),
    });
  }
  return carets.sort((a, b) => a.id - b.id);
}

const caretsKey = new PluginKey<DecorationSet>('accord-carets');

/** Decoded anchors by their bytes (presence states keep their byte arrays until they change). */
const decoded = new WeakMap<Uint8Array, Anchor | null>();

/**
 * Resolves encoded anchors in `blocks`, while the editor shows these blocks (between a change and
 * its display the flat indices are used).
 */
function resolverIn(
  blocks: BlocksLike | undefined,
  mapping: BlockMapping,
  doc: Node,
): AnchorResolver | undefined {
  if (blocks === undefined || blocks.length !== mapping.layout(doc).flatLength) return undefined;
  return (bytes) => {
    let anchor = decoded.get(bytes);
    if (anchor === undefined) {
      try {
        anchor = decodeAnchor(bytes);
      } catch {
        anchor = null; // A malformed anchor from a peer: the flat index.
      }
      decoded.set(bytes, anchor);
    }
    if (anchor === null) return undefined;
    const index = resolveAnchor(blocks.text, anchor);
    return index === null ? undefined : blocks.flatIndexOf(index);
  };
}

function decorations(
  mapping: BlockMapping,
  doc: Node,
  presence: PresenceSource,
  blocks: BlocksLike | undefined,
): DecorationSet {
  const decos: Decoration[] = [];
  for (const caret of remoteCarets(mapping, doc, presence.peers, resolverIn(blocks, mapping, doc))) {
    const from = Math.min(caret.anchor, caret.head);
    const to = Math.max(caret.anchor, caret.head);
    if (to > from) {
      decos.push(
        Decoration.inline(from, to, {
          class: 'accord-selection',
          style: `background-color: ${caret.color}33`,
        }),
      );
    }
    decos.push(
      Decoration.widget(
        caret.head,
        () => {
          const el = document.createElement('span');
          el.className = 'accord-caret';
          el.dataset.name = caret.name;
          el.style.setProperty('--accord-caret-color', caret.color);
          el.setAttribute('aria-hidden', 'true');
          el.contentEditable = 'false';
          return el;
        },
        { key: `${caret.id}:${caret.name}:${caret.color}`, side: 1, ignoreSelection: true },
      ),
    );
  }
  return DecorationSet.create(doc, decos);
}

/**
 * The plugin drawing the carets of `presence`'s peers. Style `.accord-caret` (for instance with
 * {@link remoteCaretsCss}).
 */
export function remoteCaretsPlugin(
  mappingFor: (schema: Schema) => BlockMapping,
  presence: PresenceSource,
  blocks?: BlocksLike,
): Plugin<DecorationSet> {
  return new Plugin<DecorationSet>({
    key: caretsKey,
    state: {
      init: (_config, state) => decorations(mappingFor(state.schema), state.doc, presence, blocks),
      // Presence changed: drawn again from it. The document changed: the carets move with the
      // text around them (a peer's own edit comes with a presence update that draws it anew).
      apply: (tr, old, _before, after) => {
        if (tr.getMeta(caretsKey)) return decorations(mappingFor(after.schema), after.doc, presence, blocks);
        return tr.docChanged ? old.map(tr.mapping, tr.doc) : old;
      },
    },
    props: {
      decorations: (state) => caretsKey.getState(state),
    },
    view: (view) => {
      const off = presence.on('presence', () => {
        // Outside the provider's callback, and never during another update.
        queueMicrotask(() => {
          if (!view.isDestroyed) view.dispatch(view.state.tr.setMeta(caretsKey, true));
        });
      });
      return { destroy: off };
    },
  });
}

/** Default look of remote carets, as CSS text (add it to the page or the editor's shadow root). */
export const remoteCaretsCss = `
.accord-caret { position: relative; border-left: 2px solid var(--accord-caret-color); margin-left: -1px; margin-right: -1px; pointer-events: none; }
.accord-caret::after { content: attr(data-name); position: absolute; left: -2px; bottom: 100%; padding: 0 4px; border-radius: 3px 3px 3px 0; background-color: var(--accord-caret-color); color: #fff; font: 600 11px/1.4 system-ui, sans-serif; white-space: nowrap; user-select: none; z-index: 10; }
`;
