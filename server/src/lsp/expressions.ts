import { CompletionItemKind, type CompletionItem, type LocationLink, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ProjectIndex } from '../engine/core/projectIndex';
import type { YamlFile } from '../engine/yaml/yamlFile';
import { expressionCompletions, expressionDefinition } from '../knowledge/expressionNavigation';
import { toRange } from './positions';

/** Go to definition inside `${{ }}`: the key (or step `id:`) that declares the name under the cursor, in the same file. */
export function expressionDefinitionLinks(document: TextDocument, file: YamlFile, position: Position, index: ProjectIndex | undefined): LocationLink[] | null {
  const found = expressionDefinition(file, document.offsetAt(position), index);
  if (!found) return null;
  const target = toRange(document, found.target);
  return [{ originSelectionRange: toRange(document, found.origin), targetUri: document.uri, targetRange: target, targetSelectionRange: target }];
}

const KINDS = { context: CompletionItemKind.Module, property: CompletionItemKind.Property, function: CompletionItemKind.Function } as const;

/** Completion inside `${{ }}`: each item replaces the partial name before the cursor. */
export function expressionCompletionItems(document: TextDocument, file: YamlFile, position: Position, index: ProjectIndex | undefined): CompletionItem[] | null {
  const found = expressionCompletions(file, document.offsetAt(position), index);
  if (!found) return null;
  const range = toRange(document, found.span);
  return found.items.map(({ label, kind, detail }) => ({ label, kind: KINDS[kind], detail, textEdit: { range, newText: label } }));
}
