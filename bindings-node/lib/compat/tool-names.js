/**
 * Tool names as the official SDK's `McpServer` takes them: any name is registered (the
 * engine is told to accept them), and one outside the spec's recommended form (1-128
 * characters of `A-Z a-z 0-9 _ - .`) or likely to confuse clients is reported on
 * `console.warn`, one line per problem, as the official server reports it.
 */
'use strict';

const RECOMMENDED = /^[A-Za-z0-9._-]{1,128}$/;

/** The problems of `name`, each a sentence; none for a name in the recommended form. */
function toolNameProblems(name) {
  if (name.length === 0) return ['Tool name cannot be empty'];
  if (name.length > 128) return [`Tool name exceeds maximum length of 128 characters (current: ${name.length})`];
  const problems = [];
  if (name.includes(' ')) problems.push('Tool name contains spaces, which may cause parsing issues');
  if (name.includes(',')) problems.push('Tool name contains commas, which may cause parsing issues');
  for (const [mark, what] of [['-', 'dash'], ['.', 'dot']]) {
    if (name.startsWith(mark) || name.endsWith(mark)) {
      problems.push(`Tool name starts or ends with a ${what}, which may cause parsing issues in some contexts`);
    }
  }
  if (!RECOMMENDED.test(name)) {
    const others = [...new Set([...name].filter((c) => !/[A-Za-z0-9._-]/.test(c)))];
    problems.push(`Tool name contains invalid characters: ${others.map((c) => `"${c}"`).join(', ')}`);
    problems.push('Allowed characters are: A-Z, a-z, 0-9, underscore (_), dash (-), and dot (.)');
  }
  return problems;
}

/** Warns on `console.warn` about each problem of the tool name `name`; registration goes on. */
function warnToolName(name) {
  const problems = toolNameProblems(String(name));
  if (problems.length === 0) return;
  console.warn(`Tool name validation warning for "${name}":`);
  for (const problem of problems) console.warn(`  - ${problem}`);
  console.warn('The tool is registered, but clients may not handle its name.');
}

module.exports = { toolNameProblems, warnToolName };
