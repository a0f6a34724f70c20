import { describe, expect, it } from 'vitest';
import { parseClusterArgs } from '../src/cluster-command.js';
import { ConfigError, helpText, loadConfig } from '../src/config.js';

const cluster = [
  '--auth-secret',
  'a-long-enough-secret-123',
  '--cluster-secret',
  'another-long-secret-456',
  '--peers',
  '1@127.0.0.1:4001,2@127.0.0.1:4002',
  '--id',
  '3',
];

describe('--witness', () => {
  it('alone marks this node as a witness, whatever flag follows it', () => {
    expect(loadConfig([...cluster, '--witness'], {})).toMatchObject({ witness: true, witnesses: [3] });
    expect(loadConfig(['--witness', ...cluster], {})).toMatchObject({ witness: true, witnesses: [3] });
    expect(loadConfig([...cluster, '--witness=true'], {}).witness).toBe(true);
  });

  it('with ids names the witness nodes, so full nodes know them too', () => {
    const full = [...cluster.slice(0, -2), '--id', '1', '--peers', '2@127.0.0.1:4002,3@127.0.0.1:4003'];
    expect(loadConfig([...full, '--witness', '3'], {})).toMatchObject({ witness: false, witnesses: [3] });
    expect(loadConfig(full, { ACCORD_WITNESS: '3' })).toMatchObject({ witness: false, witnesses: [3] });
    expect(loadConfig(cluster, { ACCORD_WITNESS: '3' }).witness).toBe(true);
  });

  it('never lets a witness lead under another election algorithm', () => {
    // candidates: by default only the full replicas may stand; naming a witness is refused.
    expect(loadConfig([...cluster, '--witness', '--election', 'candidates'], {})).toMatchObject({
      election: 'candidates',
      candidates: [1, 2],
    });
    expect(() =>
      loadConfig([...cluster, '--witness', '--election', 'candidates', '--candidates', '2,3'], {}),
    ).toThrow(/a witness never leads/);
    // ring and invitation pick the highest rank they find: refused with a witness.
    for (const election of ['ring', 'invitation'])
      expect(() => loadConfig([...cluster, '--witness', '--election', election], {})).toThrow(
        /--witness works with --election bully or candidates/,
      );
    expect(loadConfig([...cluster, '--election', 'ring'], {}).election).toBe('ring');
  });

  it('is off by default', () => {
    expect(loadConfig(cluster, {})).toMatchObject({ witness: false, witnesses: [] });
  });

  it('refuses a non-member, no full replica left, a lone witness and a bad id with a ConfigError', () => {
    expect(() => loadConfig([...cluster, '--witness', '9'], {})).toThrow(/not a cluster member/);
    expect(() => loadConfig([...cluster, '--witness', '1,2,3'], {})).toThrow(/no full replica/);
    expect(() => loadConfig(['--auth-secret', 'a-long-enough-secret-123', '--witness'], {})).toThrow(
      ConfigError,
    );
    expect(() => loadConfig([...cluster, '--witness=x'], {})).toThrow(ConfigError);
  });

  it('is in --help', () => {
    expect(helpText()).toContain('--witness [IDS]');
  });
});

describe('accord-relay cluster --witness', () => {
  it('passes --witness IDS to every node', () => {
    expect(parseClusterArgs(['--nodes', '3', '--witness', '3']).nodeArgs).toEqual(['--witness', '3']);
  });
});
