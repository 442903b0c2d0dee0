// Human names for provider ids ("OpenRouter is rate-limiting"), read from the providers the router
// knows (the catalog's built-ins and the user's custom ones), so chat never keeps its own table.
import { LIMITS } from '../common/chatProtocol';
import { clip } from '../common/schema';

export interface NamedProvider {
  readonly id: string;
  readonly label: string;
}

/** A provider's label as the panel shows it. */
export type ProviderLabels = (providerId: string) => string;

/** Labels from `known()`, read at each call (settings change the list); an unknown id stands as itself. */
export function providerLabels(known: () => readonly NamedProvider[] = () => []): ProviderLabels {
  // Custom labels and ids are the user's: cut to what the panel accepts.
  return (id) => clip(known().find((p) => p.id === id)?.label ?? id, LIMITS.label);
}
