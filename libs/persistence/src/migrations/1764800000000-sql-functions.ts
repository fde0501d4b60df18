import type { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlFunctions } from '../sql/sql-functions.js';

/**
 * Every function of the schema, from its file in ../sql/functions (issue 15: each function is
 * written in one place). Earlier migrations created them from strings of their own; those strings
 * are gone, so on a fresh database the functions are created here, after every table they use
 * (no earlier migration calls one). On a database those earlier migrations already ran, this
 * replaces each function by the same definition (same signature and body, only the text's
 * layout differs), so both end alike. Changing a function later: edit its file and add a
 * migration that applies it again (`applySqlFunctions(q, ['…'])`); this one then creates the
 * new text on fresh databases, which is fine as long as what it uses exists by now (PL/pgSQL
 * bodies are resolved when they run; a LANGUAGE sql body is checked at creation).
 */
export class SqlFunctions1764800000000 implements MigrationInterface {
  name = 'SqlFunctions1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await applySqlFunctions(q);
  }

  /**
   * Nothing: before this migration a database already had these functions (those older
   * migrations created, with the same definitions), and their own down() drops them in turn.
   */
  async down(): Promise<void> {}
}
