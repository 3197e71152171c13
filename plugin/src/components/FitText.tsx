import React from 'react';

interface Props {
  text: string;
  width: number;
  height: number;
  color: string;
  /** Hard cap so a huge panel does not blow a short number up to absurd heights. */
  maxFontPx?: number;
  weight?: number;
  testId?: string;
}

/** Average advance of a digit in a proportional sans font, as a share of the font size. */
const CHAR_WIDTH_EM = 0.6;

/** The font size at which `chars` characters fill width × height (digits readable across the room). */
export function fitFontSize(chars: number, width: number, height: number, maxFontPx = Infinity): number {
  const byWidth = width / (Math.max(chars, 1) * CHAR_WIDTH_EM);
  const byHeight = height * 0.85;
  return Math.max(8, Math.floor(Math.min(byWidth, byHeight, maxFontPx)));
}

export function FitText({ text, width, height, color, maxFontPx, weight = 500, testId }: Props) {
  const fontSize = fitFontSize(text.length, width, height, maxFontPx);
  return (
    <div
      data-testid={testId}
      style={{
        width,
        height,
        fontSize,
        lineHeight: `${height}px`,
        color,
        fontWeight: weight,
        textAlign: 'center',
        whiteSpace: 'nowrap',
        overflow: 'hidden',
        fontVariantNumeric: 'tabular-nums',
      }}
    >
      {text}
    </div>
  );
}
