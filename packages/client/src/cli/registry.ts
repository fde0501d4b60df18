import { MANAGEMENT_COMMANDS, type Command } from './commands.js';
import { VERIFICATION_COMMANDS } from './verification-commands.js';

/** Every command of the CLI, in the order of its help. */
export const COMMANDS: Command[] = [...MANAGEMENT_COMMANDS, ...VERIFICATION_COMMANDS];
/** Every option name that takes a value, of any command (with the global ones, what the parser accepts). */
export const ALL_OPTIONS = [...new Set(COMMANDS.flatMap((c) => c.options))];
/** Every option without a value (a flag), of any command. */
export const ALL_FLAGS = [...new Set(COMMANDS.flatMap((c) => c.flags ?? []))];
