// A request or answer body, as text, pretty JSON or hex. Only ever a text node: a body is a caller's or a
// script's data.
import { useState } from 'preact/hooks';
import { bytesFromBase64, defaultBodyView, showBody, type BodyView as View } from './bytes.ts';

let views = 0;

export function BodyView({
  base64,
  label,
  truncated,
}: {
  base64: string;
  label: string;
  truncated?: boolean;
}) {
  const bytes = bytesFromBase64(base64);
  const [view, setView] = useState<View>(() => defaultBodyView(bytes));
  const [group] = useState(() => `body-view-${++views}`);
  if (bytes.length === 0) return <p>{label}: empty</p>;
  return (
    <div class="body-view">
      <fieldset>
        <legend>
          {label} ({bytes.length} bytes{truncated ? ', truncated' : ''})
        </legend>
        {(
          [
            ['text', 'Text'],
            ['json', 'Pretty JSON'],
            ['hex', 'Hex'],
          ] as const
        ).map(([value, name]) => (
          <label key={value} class="choice">
            <input
              type="radio"
              name={group}
              value={value}
              checked={view === value}
              onChange={() => setView(value)}
            />
            {name}
          </label>
        ))}
      </fieldset>
      <pre class="body" data-view={view}>
        {showBody(bytes, view)}
      </pre>
    </div>
  );
}

export function HeaderTable({ headers, caption }: { headers: [string, string][]; caption: string }) {
  return (
    <table class="headers">
      <caption>{caption}</caption>
      <tbody>
        {headers.map(([name, value], index) => (
          <tr key={index}>
            <th scope="row">{name}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ConsoleLines({ lines }: { lines: { level: string; message: string }[] }) {
  if (lines.length === 0) return <p>No console lines.</p>;
  return (
    <ol class="console-lines" aria-label="Console lines">
      {lines.map((line, index) => (
        <li
          key={index}
          class={`level-${line.level === 'error' || line.level === 'warn' ? line.level : 'log'}`}
        >
          <span class="level">{line.level}</span> {line.message}
        </li>
      ))}
    </ol>
  );
}
