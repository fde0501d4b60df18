import { useState, type FormEvent, type ReactNode } from 'react';
import { isoFromLocalInput } from '../format.js';

export interface FilterField {
  name: string;
  label: string;
  type?: 'text' | 'datetime-local';
  placeholder?: string;
}

/** Search fields of a record listing; the API gets only the filled-in ones, times as ISO 8601. */
export function RecordFilters({
  fields,
  onSearch,
  children,
  label,
}: {
  fields: FilterField[];
  onSearch(values: Record<string, string>): void;
  children?: ReactNode;
  label: string;
}) {
  const [values, setValues] = useState<Record<string, string>>({});

  function submit(event: FormEvent) {
    event.preventDefault();
    const sent: Record<string, string> = {};
    for (const field of fields) {
      const value = (values[field.name] ?? '').trim();
      if (value) sent[field.name] = field.type === 'datetime-local' ? isoFromLocalInput(value) : value;
    }
    onSearch(sent);
  }

  return (
    <form className="filters" onSubmit={submit} role="search" aria-label={label}>
      {fields.map((field) => (
        <label key={field.name}>
          {field.label}
          <input
            name={field.name}
            type={field.type ?? 'text'}
            placeholder={field.placeholder}
            value={values[field.name] ?? ''}
            onChange={(e) => setValues({ ...values, [field.name]: e.target.value })}
          />
        </label>
      ))}
      <div className="filter-actions">
        <button type="submit">Search</button>
        {children}
      </div>
    </form>
  );
}

export const CALL_FILTERS: FilterField[] = [
  { name: 'appKey', label: 'App key' },
  { name: 'number', label: 'Number', placeholder: '+86…' },
  { name: 'sessionId', label: 'Session id' },
  { name: 'from', label: 'From', type: 'datetime-local' },
  { name: 'to', label: 'To', type: 'datetime-local' },
  { name: 'stateCode', label: 'State code', placeholder: '0, 8101…' },
];
