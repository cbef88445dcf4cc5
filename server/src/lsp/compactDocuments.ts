import { TextDocument, type Position, type Range, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';

/** Makes a text smaller and back (deflate in Node); `unpack(pack(text))` must give the very same text. */
export interface TextPacker {
  pack(text: string): string;
  unpack(packed: string): string;
}

/** How open documents are made and changed (the two functions `TextDocuments` takes), and told of a close. */
export interface DocumentStore {
  create(uri: string, languageId: string, version: number, text: string): TextDocument;
  /** Applies the changes in order (each range refers to the text the previous ones left) and sets the version. */
  update(document: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument;
  closed(document: TextDocument): void;
}

/** Every document's text kept as it is (the browser, with no packer). */
export const plainDocuments: DocumentStore = {
  create: TextDocument.create,
  update: TextDocument.update,
  closed: () => {},
};

// How many documents keep their text unpacked: the ones checked or asked about right now.
const UNPACKED_DOCUMENTS = 8;
// And the ones changed last, whatever else is read meanwhile: a keystroke in a large document must not wait for
// its text to be unpacked because other documents were checked since the last one (editors restored at start).
const EDITED_DOCUMENTS = 4;

/**
 * Documents whose text is kept packed unless it was read or changed lately. With a whole repository open, the texts are
 * most of what the server holds, yet after its first check a document that is not edited is read again only for
 * a hover or a code action: unpacking one then costs well under a millisecond.
 */
export function compactDocuments(packer: TextPacker, unpackedLimit = UNPACKED_DOCUMENTS, editedLimit = EDITED_DOCUMENTS): DocumentStore {
  // The documents read last and those changed last, least recent first: a document in neither is packed.
  const unpacked = new Set<CompactDocument>();
  const edited = new Set<CompactDocument>();
  let newest: CompactDocument | undefined;
  const keep = (documents: Set<CompactDocument>, limit: number, document: CompactDocument, other: Set<CompactDocument>): void => {
    documents.delete(document);
    documents.add(document);
    for (const oldest of documents) {
      if (documents.size <= limit) break;
      documents.delete(oldest);
      if (!other.has(oldest)) oldest.pack();
    }
  };
  const recent: Recent = {
    read: (document) => {
      // Diagnostics read a position per finding: the document read last is where it should be already.
      if (document === newest) return;
      newest = document;
      keep(unpacked, unpackedLimit, document, edited);
    },
    changed: (document) => keep(edited, editedLimit, document, unpacked),
  };
  return {
    create: (uri, languageId, version, text) => new CompactDocument(uri, languageId, version, text, packer, recent),
    update: (document, changes, version) => {
      if (!(document instanceof CompactDocument)) throw new Error(`${document.uri} was not made by this document store`);
      document.update(changes, version);
      return document;
    },
    closed: (document) => {
      if (!(document instanceof CompactDocument)) return;
      unpacked.delete(document);
      edited.delete(document);
      if (newest === document) newest = undefined;
    },
  };
}

/** Told when a document's text is read or changed, to keep the recent ones unpacked. */
interface Recent {
  read(document: CompactDocument): void;
  changed(document: CompactDocument): void;
}

class CompactDocument implements TextDocument {
  // The text as a document (with its line table) while read lately, and packed while that is the same text:
  // a document read again without a change (its check after opening, a hover) is not deflated once more.
  private text: TextDocument | undefined;
  private packed: string | undefined;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    private currentVersion: number,
    text: string,
    private readonly packer: TextPacker,
    private readonly recent: Recent,
  ) {
    this.text = TextDocument.create(uri, languageId, currentVersion, text);
    // Just opened: it is about to be checked.
    recent.read(this);
  }

  get version(): number {
    return this.currentVersion;
  }

  get lineCount(): number {
    return this.unpacked().lineCount;
  }

  getText(range?: Range): string {
    return this.unpacked().getText(range);
  }

  positionAt(offset: number): Position {
    return this.unpacked().positionAt(offset);
  }

  offsetAt(position: Position): number {
    return this.unpacked().offsetAt(position);
  }

  getLineRange(line: number): Range {
    return this.unpacked().getLineRange(line);
  }

  getEOLCharacters(line: number): string {
    return this.unpacked().getEOLCharacters(line);
  }

  update(changes: TextDocumentContentChangeEvent[], version: number): void {
    TextDocument.update(this.unpacked(), changes, version);
    this.currentVersion = version;
    this.packed = undefined;
    this.recent.changed(this);
  }

  /** Keeps the text packed until it is read again (which drops its line table too). */
  pack(): void {
    if (!this.text) return;
    this.packed ??= this.packer.pack(this.text.getText());
    this.text = undefined;
  }

  private unpacked(): TextDocument {
    if (!this.text) {
      this.text = TextDocument.create(this.uri, this.languageId, this.currentVersion, this.packer.unpack(this.packed!));
    }
    this.recent.read(this);
    return this.text;
  }
}
