/** Lines of environment configuration a person maintains: not blank, not a comment (#, //). */
export function configLines(text: string): number {
  return text.split('\n').filter((line) => line.trim() && !/^\s*(#|\/\/)/.test(line)).length;
}
