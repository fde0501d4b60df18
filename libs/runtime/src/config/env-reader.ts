import { parseCidr } from '../cidr.js';

export type Env = Record<string, string | undefined>;

/**
 * The environment being read and the problems found so far, shared by the section loaders:
 * each section (a schema, see env-schema.ts) adds every bad variable it finds, named and with its
 * value echoed only where it is no secret; loadConfig throws them all together.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(readonly env: Env) {}
}

export const isCidr = (item: string): boolean => parseCidr(item) !== null;
export const isPrefix = (item: string): boolean => /^\+?\d{1,15}$/.test(item);
