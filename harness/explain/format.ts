// An Explanation as plain text for the terminal.
import type { Explanation } from './explanation.ts';

function wrap(text: string, indent: string, width = 100): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && indent.length + line.length + 1 + w.length > width) {
      lines.push(indent + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(indent + line);
  return lines;
}

function bullet(text: string): string[] {
  const [first = '', ...rest] = wrap(text, '    ');
  return [`  - ${first.trimStart()}`, ...rest];
}

export function formatExplanation(e: Explanation): string {
  const where = e.socket
    ? `${e.source} line: ${e.socket.state} ${e.socket.local} → ${e.socket.peer}, Recv-Q ${e.socket.recvQ}, Send-Q ${e.socket.sendQ}`
    : `${e.source} timer`;
  const out: string[] = [`${e.timerText || '(no timer field)'}   — ${where}`, ''];
  out.push(...wrap(e.which, ''));
  if (e.fields.length) {
    out.push('', 'What each part means:');
    const w = Math.max(...e.fields.map((f) => f.text.length));
    for (const f of e.fields) {
      const head = `  ${f.text.padEnd(w)}  ${f.name}: `;
      const [first = '', ...rest] = wrap(f.meaning, ' '.repeat(head.length), 100);
      out.push(head + first.trimStart(), ...rest);
    }
  }
  out.push('', 'When it expires:', ...e.onExpiry.flatMap(bullet));
  if (e.governedBy.length) {
    out.push('', 'Governed by:');
    for (const g of e.governedBy) {
      out.push(...bullet(`${g.name} (${g.kind}${g.default ? `, default ${g.default}` : ''}): ${g.effect}`));
    }
  }
  if (e.notes.length) out.push('', 'In this reading:', ...e.notes.flatMap(bullet));
  if (e.warnings.length) out.push('', 'Careful:', ...e.warnings.flatMap((w) => bullet(`⚠ ${w}`)));
  out.push('', `Figures: the model's for kernel ${e.model.kernel}; sysctls: ${e.model.sysctls}.`);
  return out.join('\n');
}
