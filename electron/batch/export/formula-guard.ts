// CSV/formula injection: submitters write the cells we export, and a spreadsheet evaluates a cell that starts with
// = + - @ (or a tab or CR before one) when the operator opens the file. Such a text cell gets a leading single quote,
// OWASP's advice, which spreadsheets show as text; a cell that is really a number ("-5", "+3.2e4") stays as it is.
const TRIGGER = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function guardFormula(text: string): string {
  return TRIGGER.test(text) && !NUMBER.test(text) ? `'${text}` : text;
}

/** Whether a spreadsheet could read the text as a formula (what guardFormula removes). */
export function looksLikeFormula(text: string): boolean {
  return TRIGGER.test(text) && !NUMBER.test(text);
}
