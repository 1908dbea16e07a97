import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * No user-visible English hard-coded in the renderer: every word a user sees or hears (text, labels,
 * alt texts, titles, placeholders) must come from the i18n catalogues through t(). Parsed with the
 * TypeScript compiler, so it sees JSX as React does; punctuation and data (`·`, `(`, a host name in a
 * variable) are fine.
 */
const rendererSrc = path.resolve(import.meta.dirname, '..', '..', 'renderer', 'src');

/** Attributes whose text a user sees or assistive technology reads out. */
const SPOKEN_ATTRIBUTES = new Set([
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-valuetext',
  'aria-placeholder',
  'alt',
  'title',
  'placeholder',
  'label',
  'value',
]);

const hasWords = (text: string): boolean => /\p{L}{2,}/u.test(text);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'i18n' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

interface Finding {
  file: string;
  line: number;
  text: string;
}

function findHardCodedText(file: string, text = readFileSync(file, 'utf8')): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const findings: Finding[] = [];
  const report = (node: ts.Node, text: string): void => {
    findings.push({
      file: path.relative(rendererSrc, file),
      line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
      text: text.trim(),
    });
  };
  /** String literals and template text inside an expression rendered as a JSX child. */
  const literalsIn = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (hasWords(node.text)) report(node, node.text);
      return;
    }
    if (ts.isTemplateExpression(node)) {
      const parts = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ');
      if (hasWords(parts)) report(node, parts);
    }
    // Only where a value ends up rendered: a branch of `?:`, the right of `&&`, either side of `||`/`??`.
    // Conditions (`channel === 'sms'`) and call arguments (t('key')) are not shown to anyone.
    if (ts.isParenthesizedExpression(node)) literalsIn(node.expression);
    if (ts.isConditionalExpression(node)) {
      literalsIn(node.whenTrue);
      literalsIn(node.whenFalse);
    }
    if (ts.isBinaryExpression(node)) {
      const operator = node.operatorToken.kind;
      if (operator === ts.SyntaxKind.AmpersandAmpersandToken) literalsIn(node.right);
      if (operator === ts.SyntaxKind.BarBarToken || operator === ts.SyntaxKind.QuestionQuestionToken) {
        literalsIn(node.left);
        literalsIn(node.right);
      }
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node) && hasWords(node.text)) report(node, node.text);
    if (ts.isJsxExpression(node) && node.expression && !ts.isJsxAttribute(node.parent)) {
      literalsIn(node.expression);
    }
    if (ts.isJsxAttribute(node) && SPOKEN_ATTRIBUTES.has(node.name.getText(source)) && node.initializer) {
      const value = node.initializer;
      if (ts.isStringLiteral(value) && hasWords(value.text)) report(value, value.text);
      if (ts.isJsxExpression(value) && value.expression) literalsIn(value.expression);
    }
    // The old English-only API (`strings`/`format` from ../i18n, now removed) bypassed translation.
    if (ts.isImportDeclaration(node) && /\/i18n(\/index)?$/.test((node.moduleSpecifier as ts.StringLiteral).text)) {
      const named = node.importClause?.namedBindings;
      if (named && ts.isNamedImports(named)) {
        for (const element of named.elements) {
          if (['strings', 'format'].includes(element.name.text)) report(element, `import { ${element.name.text} }`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

describe('the renderer has no hard-coded user-visible text', () => {
  const files = sourceFiles(rendererSrc);

  it('scans every screen and component', () => {
    expect(files.filter((f) => f.includes(`${path.sep}screens${path.sep}`)).length).toBeGreaterThanOrEqual(13);
  });

  it('every word a user sees or hears comes from the catalogues', () => {
    expect(files.flatMap((file) => findHardCodedText(file))).toEqual([]);
  });

  it('the check itself catches text, spoken attributes, literals rendered as children and the old API', () => {
    const findings = findHardCodedText(
      path.join(rendererSrc, 'sample.tsx'),
      `import { strings } from '../i18n';
       export const A = () => (
         <div aria-label="Close dialog" className="primary-button">
           Hello there
           {flag ? 'Signed in' : ''}
           {mode === 'sms' && <b>{x}</b>}
           {name ?? 'Unknown user'}
           <img alt={'Company logo'} />
           {t('ok')} · {host}
         </div>
       );`,
    );
    expect(findings.map((f) => f.text)).toEqual([
      'import { strings }',
      'Close dialog',
      'Hello there',
      'Signed in',
      'Unknown user',
      'Company logo',
    ]);
  });
});
