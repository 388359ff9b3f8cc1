// Code samples for RuleTester cases, written indented inside the test: strips the first line break, the last
// line's indentation and the common indentation. Raw text, so `\n` in a sample stays `\n`; only \` and \${ unescape.
export function dedent(strings: TemplateStringsArray): string {
  const text = strings.raw.join('').replace(/\\`/g, '`').replace(/\\\$\{/g, '${');
  const lines = text.replace(/^\n/, '').replace(/\n[ \t]*$/, '').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(common)).join('\n');
}
