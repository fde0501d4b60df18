/** The part of `js-yaml` 3 (a devDependency) the docker-compose test and the Kubernetes manifests use. */
declare module 'js-yaml' {
  /** Parses one YAML document (anchors, aliases and `<<` merge keys resolved). */
  export function safeLoad(text: string): unknown;
  /** Parses every document of a multi-document YAML stream. */
  export function safeLoadAll(text: string): unknown[];
  /** Writes a value as YAML (strings that would read back as numbers or booleans are quoted). */
  export function safeDump(
    value: unknown,
    options?: { noRefs?: boolean; lineWidth?: number; sortKeys?: boolean },
  ): string;
  /** js-yaml is CommonJS: Node's ESM loader finds no named exports in it, only this default. */
  const jsYaml: { safeLoad: typeof safeLoad; safeLoadAll: typeof safeLoadAll; safeDump: typeof safeDump };
  export default jsYaml;
}
