/** Entry point: pick the transport, build the typed client and the query cache, render the app. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/api-provider.tsx';
import { createContractClient, isContractFailure } from './api/contract-client.ts';
import { selectTransport } from './api/select-transport.ts';
import { App } from './app/app.tsx';
import { ToastProvider } from './components/toast.tsx';
import { applyThemeToDocument } from './lib/theme.ts';
import './styles/tokens.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/pages.css';
import './styles/research-pages.css';

// Before the first render, so the first paint already has the right theme.
applyThemeToDocument();

const client = createContractClient(selectTransport());

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Live events keep data fresh; refetch on focus only catches what events cannot.
      staleTime: 10_000,
      // Contract errors other than a lost connection will not fix themselves by retrying.
      retry: (count, error) => count < 3 && isContractFailure(error, 'unavailable'),
      refetchOnWindowFocus: true,
    },
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ApiProvider client={client}>
        <ToastProvider>
          <App />
        </ToastProvider>
      </ApiProvider>
    </QueryClientProvider>
  </StrictMode>,
);
