import { useTranslation } from 'react-i18next';
import type { ConsistencyJson, RuntimeId } from '../../../shared/run';

/** The consistency matrix: one row per setting, a column per runtime, drift from native bold and starred. */
export function ConsistencyMatrix({ matrix, caption, testId }: { matrix: ConsistencyJson; caption?: string; testId?: string }): React.JSX.Element {
  const { t } = useTranslation();
  const runtimes = [...new Set(matrix.rows.flatMap((row) => Object.keys(row.values)))] as RuntimeId[];
  return (
    <>
      <table className="matrix" data-testid={testId}>
        {caption && <caption>{caption}</caption>}
        <thead><tr><th>{t('app.matrix.setting')}</th>{runtimes.map((r) => <th key={r}>{r}</th>)}</tr></thead>
        <tbody>
          {matrix.rows.map((row) => (
            <tr key={row.key}>
              <td>{row.label}</td>
              {runtimes.map((r) => (
                <td key={r} className={row.differs.includes(r) ? 'differs' : ''} title={row.differs.includes(r) ? t('app.matrix.differs') : undefined}>
                  {row.values[r] === undefined ? '—' : row.values[r] || t('app.matrix.unset')}
                  {row.differs.includes(r) ? ' *' : ''}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="explanations">
        {matrix.rows.flatMap((row) => row.explanations).map((e) => <li key={e}>{e}</li>)}
      </ul>
    </>
  );
}
