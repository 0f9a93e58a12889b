/** The palette titles of the extension's commands (category "Strategic Analysis"), as a person sees them. */
export const COMMAND_TITLES = [
  'Start Analysis',
  'Resume Analysis',
  'Cancel Analysis',
  'Show Run Log',
  'Set Anthropic API Key',
  'Clear Anthropic API Key',
  'Set Exa API Key',
  'Clear Exa API Key',
  'Open Analyses Panel',
  'Export Analysis to Word',
  'Export Key Findings to Slides',
  'Open the Worked Example',
];
