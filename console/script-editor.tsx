// The script editor: CodeMirror 6 with JavaScript highlighting. Its editable area is named `Script` for screen
// readers and tests (docs/contract.md §11); Tab is left to move focus on, so the page stays usable from the keyboard.
// CodeMirror adds its styles as <style> elements: they carry the page's CSP nonce.
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState, StateEffect, StateField } from '@codemirror/state';
import { Decoration, type DecorationSet, EditorView, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'preact/hooks';

const markErrorLine = StateEffect.define<number | undefined>();
const errorLineClass = Decoration.line({ class: 'cm-error-line' });

/** The line a syntax error names, marked until the script changes or the next save says otherwise. */
const errorLineField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, transaction) {
    let next = transaction.docChanged ? Decoration.none : marks;
    for (const effect of transaction.effects) {
      if (!effect.is(markErrorLine)) continue;
      const line = effect.value;
      next =
        line !== undefined && line >= 1 && line <= transaction.state.doc.lines
          ? Decoration.set([errorLineClass.range(transaction.state.doc.line(line).from)])
          : Decoration.none;
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/** The editable area's name is fixed; what describes it (the error beside it) comes and goes. */
function contentAttributes(describedBy: string | undefined) {
  return EditorView.contentAttributes.of({
    'aria-label': 'Script',
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
  });
}

function cspNonce(): string {
  return document.querySelector('meta[name="csp-nonce"]')?.getAttribute('content') ?? '';
}

export interface ScriptEditorProps {
  /**
   * The text the editor starts with; later it owns the text and reports it through onChange. Pushing the form's
   * value back in on every render raced the editor's own input (a render with an older value replaced the text
   * while CodeMirror handled a keystroke, and the page hung in its DOM sync); a reload remounts it instead.
   */
  value: string;
  onChange(value: string): void;
  errorLine: number | undefined;
  /** The id of the error message beside the editor. */
  describedBy?: string;
}

export function ScriptEditor({ value, onChange, errorLine, describedBy }: ScriptEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | undefined>(undefined);
  const attributes = useRef(new Compartment());
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current as HTMLDivElement,
      state: EditorState.create({
        doc: value,
        extensions: [
          EditorView.cspNonce.of(cspNonce()),
          lineNumbers(),
          history(),
          bracketMatching(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          javascript(),
          syntaxHighlighting(defaultHighlightStyle),
          errorLineField,
          attributes.current.of(contentAttributes(describedBy)),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) changed.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
  }, []);

  useEffect(() => {
    view.current?.dispatch({
      effects: [markErrorLine.of(errorLine), attributes.current.reconfigure(contentAttributes(describedBy))],
    });
  }, [errorLine, describedBy]);

  return <div class="script-editor" ref={host} />;
}
