import { describe, expect, it } from 'vitest';
import { LinkLog } from '../../src/cluster/link-log.js';

type Line = { level: 'warn' | 'info'; fields: Record<string, Record<string, number>>; msg: string };

function setup(writeQuorum: number) {
  const lines: Line[] = [];
  const logger = {
    warn: (fields: unknown, msg: string) =>
      lines.push({ level: 'warn', fields: fields as Line['fields'], msg }),
    info: (fields: unknown, msg: string) =>
      lines.push({ level: 'info', fields: fields as Line['fields'], msg }),
  };
  const state = { open: 3, pending: 0 };
  const log = new LinkLog(logger as never, writeQuorum, {
    openDocuments: () => state.open,
    pendingWrites: () => state.pending,
  });
  return { lines, log, state };
}

describe('LinkLog', () => {
  it('logs each peer link change at warn with the documents open and writes waiting', () => {
    const { lines, log, state } = setup(2);
    log.changed(2, 'up');
    state.pending = 5;
    log.changed(2, 'down');
    const links = lines.filter((l) => l.msg.startsWith('peer link'));
    expect(links.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'peer link up'],
      ['warn', 'peer link down'],
    ]);
    expect(links[1]?.fields.peerLink).toEqual({ peer: 2, peersUp: 0, openDocuments: 3, pendingWrites: 5 });
  });

  it('logs a peer once when both of its links come up, and nothing for a repeated down', () => {
    const { lines, log } = setup(2);
    log.changed(3, 'up');
    log.changed(3, 'up');
    log.changed(3, 'down');
    log.changed(3, 'down');
    expect(lines.filter((l) => l.msg.startsWith('peer link')).map((l) => l.msg)).toEqual([
      'peer link up',
      'peer link down',
    ]);
  });

  it('logs quorum reached, lost and regained on a 5-node cluster with W = 3', () => {
    const { lines, log } = setup(3);
    const quorumLines = () => lines.filter((l) => l.msg.includes('quorum')).map((l) => [l.level, l.msg]);
    log.changed(2, 'up');
    expect(quorumLines()).toEqual([]); // 2 of 3: not yet reached, and nothing lost
    log.changed(3, 'up');
    log.changed(4, 'up');
    log.changed(4, 'down'); // 3 of 3 still
    expect(quorumLines()).toEqual([['info', 'write quorum reached']]);
    log.changed(3, 'down');
    log.changed(5, 'up');
    expect(quorumLines()).toEqual([
      ['info', 'write quorum reached'],
      ['warn', 'write quorum lost: writes wait until enough peers are back'],
      ['warn', 'write quorum regained: writes are acknowledged again'],
    ]);
    const lost = lines.find((l) => l.msg.startsWith('write quorum lost'));
    expect(lost?.fields.quorum).toMatchObject({ peersUp: 1, writeQuorum: 3 });
  });

  it('never reports a quorum loss when one node is the quorum', () => {
    const { lines, log } = setup(1);
    log.changed(2, 'up');
    log.changed(2, 'down');
    expect(lines.filter((l) => l.msg.includes('quorum'))).toEqual([]);
  });
});
