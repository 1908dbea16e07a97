import { StrictMode, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from '../../electron/ipc/client';
import { App } from './App';
import './styles.css';
import { pickTransport } from './transport/pick-transport';

function Root(): React.JSX.Element {
  const [connected, setConnected] = useState(true);
  const client = useMemo(() => createClient(pickTransport(setConnected)), []);
  return <App client={client} connected={connected} />;
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
