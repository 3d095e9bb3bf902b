/** Chart colours: the app's accent and status colours, each readable on white. */
export const palette = {
  accent: '#4338ca',
  success: '#12703d',
  warning: '#8a5300',
  danger: '#b42318',
  muted: '#525b70',
  teal: '#0f766e',
} as const;
