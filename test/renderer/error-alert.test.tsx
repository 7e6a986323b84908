// The console's one error line (react-dom's static renderer, no browser): announced, in the error colour, and
// nothing at all without an error.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ErrorAlert } from '../../renderer/components/ErrorAlert';

describe('ErrorAlert', () => {
  it('shows the message as an alert', () => {
    expect(renderToStaticMarkup(<ErrorAlert message="Not saved: rpm must be a number" />)).toBe(
      '<p role="alert" class="error-text">Not saved: rpm must be a number</p>',
    );
  });

  it('renders nothing without a message', () => {
    for (const message of [null, undefined, '']) expect(renderToStaticMarkup(<ErrorAlert message={message} />)).toBe('');
  });
});
