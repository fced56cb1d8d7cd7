/** Labelled inputs with hint and inline error, wired for screen readers (aria-describedby, aria-invalid). */
import type { InputHTMLAttributes, ReactNode } from 'react';

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  after?: ReactNode;
}

/** A text, number or password input with its label. */
export function TextField({ id, label, hint: givenHint, error, after, ...input }: TextFieldProps) {
  // A plain-text hint usually restates what the error already says; badges and links stay.
  const hint = error && typeof givenHint === 'string' ? undefined : givenHint;
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <div className="input-group">
        <input id={id} className="input" aria-invalid={error ? true : undefined} aria-describedby={described} {...input} />
        {after}
      </div>
      {hint && (
        <span className="field-hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span className="field-error" id={`${id}-error`} data-testid={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

/** A select with its label. */
export function SelectField({ id, label, hint, value, options, onChange }: { id: string; label: string; hint?: ReactNode; value: string; options: ReadonlyArray<{ value: string; label: string }>; onChange: (v: string) => void }) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <select id={id} className="select" value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={hint ? `${id}-hint` : undefined}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint && (
        <span className="field-hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
    </div>
  );
}
