import { describe, expect, it } from 'vitest';
import { catalogue } from './registry.ts';
import { configHas, EXPECTED_SKIPS, judgeSkip } from './expected-skips.ts';

const NO_NETEM = 'CONFIG_HZ=250\n# CONFIG_NET_SCH_NETEM is not set\n';
const NETEM_MODULE = 'CONFIG_HZ=250\nCONFIG_NET_SCH_NETEM=m\n';
const reason = 'needs netem to add 200 ms to lo, which this kernel lacks (tc qdisc add dev lo root netem: Error: Specified qdisc kind is unknown.)';

describe('expected skips', () => {
  it('lists only forms that exist', () => {
    const forms = new Set(catalogue.flatMap((e) => [e.id, ...Object.keys(e.variants ?? {}).map((v) => `${e.id}:${v}`)]));
    for (const s of EXPECTED_SKIPS) expect(forms.has(s.form), s.form).toBe(true);
  });

  it('reads =y and =m as present, "is not set" as absent', () => {
    expect(configHas(NETEM_MODULE, 'CONFIG_NET_SCH_NETEM')).toBe(true);
    expect(configHas('CONFIG_NET_SCH_NETEM=y\n', 'CONFIG_NET_SCH_NETEM')).toBe(true);
    expect(configHas(NO_NETEM, 'CONFIG_NET_SCH_NETEM')).toBe(false);
  });

  it('accepts the netem skip only on a kernel without sch_netem', () => {
    expect(judgeSkip('rto-retries2:rtt-400ms', reason, NO_NETEM).ok).toBe(true);
    expect(judgeSkip('rto-retries2:rtt-400ms', reason, NETEM_MODULE)).toMatchObject({ ok: false, why: expect.stringContaining('should have run') });
    expect(judgeSkip('rto-retries2:rtt-400ms', reason, undefined).ok).toBe(false);
  });

  it('accepts the conntrack skip on a kernel lacking either option, not on one with both', () => {
    const why = 'needs conntrack (CONFIG_NF_CONNTRACK, CONFIG_NETFILTER_XT_MATCH_CONNTRACK): iptables -m conntrack failed: Extension conntrack revision 0 not supported';
    const both = 'CONFIG_NF_CONNTRACK=m\nCONFIG_NETFILTER_XT_MATCH_CONNTRACK=m\n';
    expect(judgeSkip('conntrack-half-open', why, '# CONFIG_NF_CONNTRACK is not set\n').ok).toBe(true);
    expect(judgeSkip('conntrack-half-open:keepalive-longer', why, 'CONFIG_NF_CONNTRACK=y\n# CONFIG_NETFILTER_XT_MATCH_CONNTRACK is not set\n').ok).toBe(true);
    expect(judgeSkip('conntrack-half-open', why, both)).toMatchObject({ ok: false, why: expect.stringContaining('should have run') });
  });

  it('refuses a skip that is not listed, or listed for another reason', () => {
    expect(judgeSkip('test-idle', reason, NO_NETEM).ok).toBe(false);
    expect(judgeSkip('rto-retries2:rtt-400ms', 'tcpdump not found', NO_NETEM).ok).toBe(false);
  });
});
