/**
 * Strict argument parsing (node:util parseArgs) with usage errors a person can
 * act on: the bad flag named, the command's --help pointed at.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The flag may repeat; its value is then an array. */
  multiple?: boolean;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  help: boolean;
}

/** Parses `args` for `command`; every command also accepts --help / -h. */
export function parseCommandArgs(command: string, args: string[], options: Record<string, OptionSpec>): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(describeParseError(command, error), command);
  }
  const { help, ...values } = parsed.values as Record<string, string | boolean | string[] | undefined>;
  return { values, positionals: parsed.positionals, help: help === true };
}

function describeParseError(command: string, error: unknown): string {
  const code = (error as { code?: string }).code;
  const text = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /Unknown option '([^']+)'/.exec(text)?.[1] ?? text;
    return `Unknown flag ${flag} for "${command}".`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // "Option '-i, --input <value>' argument missing": name the long form.
    const flag = /Option '[^']*?(--[\w-]+)/.exec(text)?.[1];
    if (/argument missing|ambiguous/.test(text) && flag) return `Flag ${flag} needs a value.`;
    if (/does not take an argument/.test(text) && flag) return `Flag ${flag} does not take a value.`;
  }
  return text.split('\n')[0]!;
}

/** Exactly `count` positionals named by `names`, else a usage error. */
export function expectPositionals(command: string, positionals: string[], names: string[]): string[] {
  if (positionals.length < names.length) throw new UsageError(`"${command}" needs ${names.map((n) => `<${n}>`).join(' ')}.`, command);
  if (positionals.length > names.length) {
    throw new UsageError(`Unexpected argument ${JSON.stringify(positionals[names.length])} for "${command}".`, command);
  }
  return positionals;
}
