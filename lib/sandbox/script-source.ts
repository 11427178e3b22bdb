// How a responder's script becomes code: docs/contract.md §3 runs it as `(async () => (await (<script>)))()`.
//
// The script goes on lines of its own, so a trailing `// comment` cannot swallow the closing parentheses.
// A trailing `;` (Secutils' samples end with `})();`) is dropped first. A script the wrapper still cannot
// hold (statements, a `;` followed by a comment) runs as a program whose completion value is the result,
// which is what an expression script evaluates to as well.
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';

export const scriptFileName = 'script.js';
const wrapperPrefix = '(async () => (await (\n';
const wrapperSuffix = '\n)))()';
/** Lines the wrapper adds before the script's first line. */
const wrapperLineOffset = 1;

function expressionOf(script: string): string {
  const trimmed = script.trimEnd();
  return trimmed.endsWith(';') ? trimmed.slice(0, -1) : script;
}

export function wrapScript(script: string): string {
  return wrapperPrefix + expressionOf(script) + wrapperSuffix;
}

/**
 * The wrapped script as a function that runs it when called (an arrow: no `this`, `arguments` or `new.target`
 * of its own, so the script means what it means in the wrapper above, with its lines in the same places).
 * Evaluating this runs nothing of the script; undefined when it does not compile in this form.
 */
export function compileScriptFunction(ctx: QuickJSContext, script: string): QuickJSHandle | undefined {
  const compiled = ctx.evalCode(functionSource(script), scriptFileName, { type: 'global' });
  if (!compiled.error) return compiled.value;
  compiled.error.dispose();
  return undefined;
}

function functionSource(script: string): string {
  return `(() => ${wrapperPrefix}${expressionOf(script)}${wrapperSuffix})`;
}

export interface SyntaxFault {
  kind: 'syntax';
  message: string;
  line: number;
}

export type Evaluated =
  | SyntaxFault
  /** `value` is a promise when the wrapper ran, any value when the script ran as a program. */
  | { kind: 'value'; value: QuickJSHandle }
  | { kind: 'thrown'; error: QuickJSHandle };

export function evaluateScript(ctx: QuickJSContext, script: string): Evaluated {
  const wrapped = ctx.evalCode(wrapScript(script), scriptFileName, { type: 'global' });
  if (!wrapped.error) return { kind: 'value', value: wrapped.value };
  if (syntaxErrorOf(ctx, wrapped.error, wrapperLineOffset) === null)
    return { kind: 'thrown', error: wrapped.error };
  wrapped.error.dispose();
  const fault = compileProgram(ctx, script);
  if (fault) return fault;
  const program = ctx.evalCode(script, scriptFileName, { type: 'global' });
  if (program.error) return { kind: 'thrown', error: program.error };
  return { kind: 'value', value: program.value };
}

/**
 * Compile only, never run, each form a run tries in the order it tries them (the function form nests one level
 * deeper than the wrapper, which matters to a script at the parser's limit); the program form's error is
 * reported.
 */
export function checkScript(ctx: QuickJSContext, script: string): SyntaxFault | null {
  for (const source of [functionSource(script), wrapScript(script)]) {
    const compiled = ctx.evalCode(source, scriptFileName, { type: 'global', compileOnly: true });
    if (!compiled.error) {
      compiled.value.dispose();
      return null;
    }
    compiled.error.dispose();
  }
  return compileProgram(ctx, script);
}

function compileProgram(ctx: QuickJSContext, script: string): SyntaxFault | null {
  const compiled = ctx.evalCode(script, scriptFileName, { type: 'global', compileOnly: true });
  if (!compiled.error) {
    compiled.value.dispose();
    return null;
  }
  const fault = syntaxErrorOf(ctx, compiled.error, 0) ?? {
    kind: 'syntax',
    message: 'the script cannot be compiled',
    line: 1,
  };
  compiled.error.dispose();
  return fault;
}

function syntaxErrorOf(ctx: QuickJSContext, error: QuickJSHandle, lineOffset: number): SyntaxFault | null {
  if (ctx.typeof(error) !== 'object') return null;
  const name = ctx
    .getProp(error, 'name')
    .consume((h) => (ctx.typeof(h) === 'string' ? ctx.getString(h) : ''));
  if (name !== 'SyntaxError') return null;
  const message = ctx
    .getProp(error, 'message')
    .consume((h) => (ctx.typeof(h) === 'string' ? ctx.getString(h) : ''));
  const line = ctx
    .getProp(error, 'lineNumber')
    .consume((h) => (ctx.typeof(h) === 'number' ? ctx.getNumber(h) : 1));
  return { kind: 'syntax', message, line: Math.max(1, line - lineOffset) };
}
