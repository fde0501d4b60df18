/** A secret the API shows only once: on screen until the person says it is saved. */
export function OnceSecret({
  title,
  fields,
  onDone,
}: {
  title: string;
  fields: Record<string, string>;
  onDone(): void;
}) {
  return (
    <div className="once" role="status">
      <h3>{title}</h3>
      <p>Shown once: copy it now, the gateway keeps only a sealed form.</p>
      <dl>
        {Object.entries(fields).map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>
              <code data-field={name}>{value}</code>
            </dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={onDone}>
        I have saved it
      </button>
    </div>
  );
}
