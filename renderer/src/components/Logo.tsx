import logoUrl from '../../../assets/logo.svg';
import { strings } from '../i18n';

export function Logo(): React.JSX.Element {
  return <img className="logo" src={logoUrl} alt={strings.appName} width={72} height={72} />;
}
