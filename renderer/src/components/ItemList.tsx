/** One row of an ItemList: what the user reads, and the name its button is announced with. */
export interface ListItem {
  readonly id: string;
  readonly name: string;
  readonly text: string;
}

/**
 * The lists of Sign-in security (authenticator apps, passkeys, remembered devices): one line per item and
 * one button on it. Each button is named after its item ("Remove: Phone"), so a screen reader's list of
 * buttons tells them apart; it still reads as the action first.
 */
export function ItemList({
  items,
  action,
  disabled,
  onAction,
  testId,
}: {
  items: readonly ListItem[];
  action: string;
  disabled: boolean;
  onAction: (id: string) => void;
  testId?: string;
}): React.JSX.Element {
  return (
    <ul className="items" data-testid={testId}>
      {items.map((item) => (
        <li key={item.id}>
          <span>{item.text}</span>
          <button
            type="button"
            className="secondary"
            disabled={disabled}
            aria-label={`${action}: ${item.name}`}
            onClick={() => onAction(item.id)}
          >
            {action}
          </button>
        </li>
      ))}
    </ul>
  );
}
