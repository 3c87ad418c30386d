import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * A CLI's arguments, read leniently so that the CLI answers anything it cannot use with its own usage instead of a
 * stack trace: `unknown` names the options it does not take, then the positionals past the `positionals` it does.
 */
export function parseCliArgs<Known extends Options>(argv: readonly string[], options: Known, positionals: number) {
  const parsed = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const unknownOptions = parsed.tokens.flatMap((token) => (token.kind === 'option' && !(token.name in options) ? [token.rawName] : []));
  return {
    values: parsed.values,
    positionals: parsed.positionals.slice(0, positionals),
    unknown: [...unknownOptions, ...parsed.positionals.slice(positionals)],
  };
}
