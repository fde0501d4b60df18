/** The part of `js-yaml` 3 (a devDependency) the docker-compose test uses. */
declare module 'js-yaml' {
  /** Parses one YAML document (anchors, aliases and `<<` merge keys resolved). */
  export function safeLoad(text: string): unknown;
}
