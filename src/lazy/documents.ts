/**
 * The reader of the person's documents (loaded when a run starts, not at activation): folder
 * walks, confinement and the choice of format reader. Each format's reader is a lazy chunk of
 * its own, loaded only when a document of that format is read.
 */
export { FileDocuments } from '../documents/fileDocuments';
