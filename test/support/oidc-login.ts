/** The e2e specs' way in to the provider-page driver (provider-pages.ts), where signing in lives now. */
export { signInAtProvider } from './provider-pages';
