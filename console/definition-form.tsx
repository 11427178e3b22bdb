// The responder's fields, labelled as docs/contract.md §11 names them, each with the server's error beside it.
import type { ComponentChildren } from 'preact';
// The server's own list: plain data, so no zod reaches the page.
import { httpMethods } from '../lib/responders/methods.ts';
import { type FieldErrors, type FormField, type ResponderForm, syntaxErrorLine } from './draft.ts';
import { ScriptEditor } from './script-editor.tsx';

export interface DefinitionFormProps {
  form: ResponderForm;
  setForm(update: (form: ResponderForm) => ResponderForm): void;
  errors: FieldErrors;
  save(): void;
  /** Changes when the form is replaced from outside (a reload): the script editor starts over with its text. */
  revision: number;
}

function ErrorText({ field, errors }: { field: FormField; errors: FieldErrors }) {
  const message = errors[field];
  return message ? (
    <p id={`error-${field}`} class="error">
      {message}
    </p>
  ) : null;
}

function Field(props: {
  field: FormField;
  label: string;
  errors: FieldErrors;
  hint?: string;
  children: ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={`field-${props.field}`}>{props.label}</label>
      {props.children}
      {props.hint && (
        <p class="hint" id={`hint-${props.field}`}>
          {props.hint}
        </p>
      )}
      <ErrorText field={props.field} errors={props.errors} />
    </div>
  );
}

export function DefinitionForm({ form, setForm, errors, save, revision }: DefinitionFormProps) {
  const set =
    <K extends keyof ResponderForm>(key: K) =>
    (value: ResponderForm[K]) =>
      setForm((current) => ({ ...current, [key]: value }));
  /** The attributes tying an input to its label, hint and error. */
  const bind = (field: FormField, hint = false) => {
    const described = [hint ? `hint-${field}` : '', errors[field] ? `error-${field}` : '']
      .filter(Boolean)
      .join(' ');
    return {
      id: `field-${field}`,
      'aria-invalid': errors[field] ? ('true' as const) : undefined,
      'aria-describedby': described || undefined,
    };
  };
  const text = (key: keyof ResponderForm) => (event: { currentTarget: { value: string } }) =>
    set(key)(event.currentTarget.value as never);
  /** A whole number typed as text: the server refuses what is not one, naming the field. */
  const numberInput = (field: FormField & keyof ResponderForm, hint = false) => (
    <input {...bind(field, hint)} inputMode="numeric" value={String(form[field])} onInput={text(field)} />
  );

  return (
    <form
      class="definition"
      method="post"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      {errors.general && (
        <p class="error" role="alert">
          {errors.general}
        </p>
      )}
      <div class="row">
        <Field field="name" label="Name" errors={errors}>
          <input {...bind('name')} value={form.name} onInput={text('name')} />
        </Field>
        <Field field="method" label="Method" errors={errors}>
          <select {...bind('method')} value={form.method} onChange={text('method')}>
            {httpMethods.map((method) => (
              <option key={method} value={method}>
                {method}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div class="row">
        <Field field="pathType" label="Path type" errors={errors}>
          <select {...bind('pathType')} value={form.pathType} onChange={text('pathType')}>
            <option value="=">exact</option>
            <option value="^">prefix</option>
          </select>
        </Field>
        <Field field="path" label="Path" errors={errors} hint="Below the namespace, starting with /">
          <input {...bind('path', true)} value={form.path} onInput={text('path')} />
        </Field>
      </div>
      <div class="row">
        <Field field="statusCode" label="Status code" errors={errors}>
          {numberInput('statusCode')}
        </Field>
        <Field field="requestsToTrack" label="Requests to track" errors={errors}>
          {numberInput('requestsToTrack')}
        </Field>
        <div class="field checkbox">
          <input
            type="checkbox"
            {...bind('enabled')}
            checked={form.enabled}
            onChange={(event) => set('enabled')(event.currentTarget.checked)}
          />
          <label for="field-enabled">Enabled</label>
          <ErrorText field="enabled" errors={errors} />
        </div>
      </div>
      <Field field="headers" label="Headers" errors={errors} hint="One a line: Name: value">
        <textarea {...bind('headers', true)} rows={3} value={form.headers} onInput={text('headers')} />
      </Field>
      <Field field="body" label="Body" errors={errors} hint="The answer's body when there is no script">
        <textarea {...bind('body', true)} rows={3} value={form.body} onInput={text('body')} />
      </Field>
      <div class="field">
        <p class="label" id="script-label">
          Script (JavaScript; empty for a static answer)
        </p>
        <ScriptEditor
          key={revision}
          value={form.script}
          onChange={set('script')}
          errorLine={syntaxErrorLine(errors.script)}
          {...(errors.script ? { describedBy: 'error-script' } : {})}
        />
        <ErrorText field="script" errors={errors} />
      </div>
      <div class="row">
        <Field
          field="memoryLimit"
          label="Memory limit"
          errors={errors}
          hint="Bytes; empty for the deployment's default"
        >
          {numberInput('memoryLimit', true)}
        </Field>
        <Field field="deadline" label="Deadline" errors={errors} hint="Milliseconds; empty for the default">
          {numberInput('deadline', true)}
        </Field>
      </div>
      <div class="row">
        <Field field="secretAccess" label="Secret access" errors={errors}>
          <select {...bind('secretAccess')} value={form.secretAccess} onChange={text('secretAccess')}>
            <option value="none">none</option>
            <option value="all">all of the namespace's secrets</option>
            <option value="listed">the secrets named here</option>
          </select>
        </Field>
        {form.secretAccess === 'listed' && (
          <div class="field">
            <label for="field-secret-names">Secret names</label>
            <input id="field-secret-names" value={form.secretNames} onInput={text('secretNames')} />
          </div>
        )}
      </div>
      <fieldset class="breaker">
        <legend>Circuit breaker</legend>
        <p class="hint" id="hint-fallbackOn">
          After 5 failed runs in a row the script is left alone for a while (30 s, then longer), and requests
          get 503 with Retry-After, or this fallback answer.
        </p>
        <div class="field checkbox">
          <input
            type="checkbox"
            id="field-fallbackOn"
            aria-describedby="hint-fallbackOn"
            checked={form.fallbackOn}
            onChange={(event) => set('fallbackOn')(event.currentTarget.checked)}
          />
          <label for="field-fallbackOn">Fallback answer while the breaker is open</label>
        </div>
        {form.fallbackOn && (
          <>
            <Field field="fallbackStatusCode" label="Fallback status code" errors={errors}>
              {numberInput('fallbackStatusCode')}
            </Field>
            <Field
              field="fallbackHeaders"
              label="Fallback headers"
              errors={errors}
              hint="One a line: Name: value"
            >
              <textarea
                {...bind('fallbackHeaders', true)}
                rows={2}
                value={form.fallbackHeaders}
                onInput={text('fallbackHeaders')}
              />
            </Field>
            <Field field="fallbackBody" label="Fallback body" errors={errors}>
              <textarea
                {...bind('fallbackBody')}
                rows={2}
                value={form.fallbackBody}
                onInput={text('fallbackBody')}
              />
            </Field>
          </>
        )}
      </fieldset>
      <ErrorText field="tests" errors={errors} />
      <button type="submit" class="primary">
        Save
      </button>
    </form>
  );
}
