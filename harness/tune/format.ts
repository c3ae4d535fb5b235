// `tune` for a person: the settings, the reasoning per case, the snippets, then the
// verification's predicted vs observed detection times.
import pc from 'picocolors';
import type { TuneDoc } from './tune-doc.ts';

const s3 = (s: number) => `${s.toFixed(3)} s`;

export function formatRecommendation(d: TuneDoc): string {
  const out = [`${pc.bold('tcplab tune')}: detect a dead peer within ${s3(d.target_s)} while ${d.while} (kernel ${d.kernel}, HZ=${d.hz})`, ''];
  if (d.outcome === 'impossible') {
    out.push(pc.red('cannot be met:'));
    for (const f of d.floors) out.push(`  ${f.case}: ${f.why}`);
    out.push(`  → the soonest the model allows is ${s3(Math.max(...d.floors.map((f) => f.latest_s)))}: ask for at least that`);
    return out.join('\n');
  }
  const k = d.settings!.keepalive;
  out.push('settings:');
  if (k) out.push(`  TCP_KEEPIDLE=${k.idle_s} s  TCP_KEEPINTVL=${k.intvl_s} s  TCP_KEEPCNT=${k.cnt}  (with SO_KEEPALIVE on)`);
  out.push(`  TCP_USER_TIMEOUT=${d.settings!.user_timeout_ms === null ? 'not needed (idle only: TCP_KEEPCNT ends it)' : `${d.settings!.user_timeout_ms} ms`}`);
  if (d.tcp_retries2) out.push(`  or host-wide, instead of TCP_USER_TIMEOUT: net.ipv4.tcp_retries2=${d.tcp_retries2.value} (latest death ${s3(d.tcp_retries2.latest_s)})`);
  for (const c of d.cases) {
    out.push('', `${pc.bold(c.case)} (verified by ${c.experiment}):`);
    for (const w of c.why) out.push(`  - ${w}`);
  }
  out.push('', 'apply it:');
  for (const sn of d.snippets) {
    out.push(`  ${pc.bold(sn.lang)}: ${sn.note}`);
    if (sn.code) out.push(...sn.code.split('\n').map((l) => `      ${l}`));
  }
  return out.join('\n');
}

export function formatVerification(d: TuneDoc): string {
  const out = ['', `verified on ${d.kernel} (target ${s3(d.target_s)}):`];
  for (const v of d.verified) {
    const p = v.predicted ? `predicted ${s3(v.predicted.nominal_s)} (latest ${s3(v.predicted.latest_s)})` : 'no prediction';
    const o = v.observed_s === null ? 'observed: no error seen' : `observed ${s3(v.observed_s)}`;
    const mark = v.met ? pc.green('met') : pc.red('MISSED');
    out.push(`  ${v.case.padEnd(8)} ${v.experiment.padEnd(10)} ${p}, ${o}; run ${v.verdict}: ${mark}${v.reason ? ` (${v.reason})` : ''}`);
    if (v.runDir) out.push(`           ${v.runDir}`);
  }
  out.push(d.outcome === 'met' ? pc.green('every case met the target') : pc.red('not every case met the target'));
  return out.join('\n');
}
