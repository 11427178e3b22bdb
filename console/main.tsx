// The web console (docs/contract.md §11), served at /api/console by the management API.
import { render } from 'preact';
import { App } from './app.tsx';
import './style.css';

render(<App />, document.getElementById('app') as HTMLElement);
