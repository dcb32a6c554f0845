/// <reference lib="dom" />
/**
 * Entry of the action palette (built by scripts/build-palette.ts into
 * dist/palette/app.js).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
