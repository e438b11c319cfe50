import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { audit } from './axe';
import { chromiumAvailable, screenshot } from './browser';
import { useRig } from './rig';

const runBrowser = chromiumAvailable();

/**
 * Voice notes as people use them (issue #14), with Chromium's fake microphone: Ana holds the
 * microphone for two seconds and lets go; Bob plays the note at 1.5× and seeks with the keyboard;
 * Ana's bubble turns played. Then a hands-free recording discarded with Escape, one stopped and
 * sent, and a microphone the system refuses.
 */
// Skipped only where no Chromium is installed; .ci/run installs Debian's, so CI always runs it.
describe.skipIf(!runBrowser)('voice notes (Chromium, fake microphone)', () => {
  const rig = useRig(undefined, { fakeMedia: true });

  /** A window on a new engine, signed up as `displayName`. */
  const person = (displayName: string) => rig.person(displayName);

  const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
  const notes = (page: Page) => log(page).locator('[data-voice-note]');
  const recordingTime = (page: Page) => page.getByRole('timer', { name: 'Recording time' });

  it('hold to record and send; the other person plays it at 1.5×; the sender sees it played', async () => {
    const ana = await person('Ana Lima');
    const bob = await person('Bob Stone');
    const chat = await ana.engine.client.startDirectChat(bob.userId);
    await ana.engine.client.sendMessage({ conversationId: chat.id, text: 'Can you hear me?' });
    await bob.page.getByRole('button', { name: /^Ana Lima/ }).waitFor();
    // Bob answers, so the chat is no longer a message request (his played marks reach Ana).
    await bob.page.getByRole('button', { name: /^Ana Lima/ }).click();
    await bob.page.getByRole('button', { name: 'Accept' }).click();
    await ana.page.getByRole('button', { name: /^Bob Stone/ }).click();

    // An empty field offers the microphone where the send button is.
    const composer = ana.page.locator('.composer');
    const mic = ana.page.getByRole('button', { name: 'Record voice message' });
    await mic.waitFor();
    await ana.page.getByRole('textbox', { name: 'Message' }).fill('typing…');
    await mic.waitFor({ state: 'detached' });
    await ana.page.getByRole('button', { name: 'Send', exact: true }).waitFor();
    await ana.page.getByRole('textbox', { name: 'Message' }).fill('');

    // Hold for two seconds (the timer says so), then let go: the note is sent.
    await mic.hover();
    await ana.page.mouse.down();
    // The meter follows the microphone (the fake one beeps once a second).
    await expect
      .poll(() => composer.locator('.voice-meter .on').count(), { timeout: 5_000, interval: 50 })
      .toBeGreaterThan(0);
    await recordingTime(ana.page).filter({ hasText: '0:02' }).waitFor({ timeout: 10_000 });
    await screenshot(ana.page, 'voice-01-recording-held');
    await ana.page.mouse.up();
    await recordingTime(ana.page).waitFor({ state: 'detached' });

    const anaNote = notes(ana.page).last();
    await anaNote.waitFor();
    // About two seconds, measured on Ana's device, with 64 bars drawn from its waveform.
    expect(await anaNote.locator('.voice-time').textContent()).toMatch(/^0:0[23]$/);
    expect(await anaNote.locator('.voice-wave span').count()).toBe(64);
    await anaNote.getByRole('img', { name: 'Not played yet' }).waitFor();
    // The chat list reads it as a voice message.
    await ana.page
      .getByRole('button', { name: /^Bob Stone/ })
      .filter({ hasText: /🎤 Voice message \(0:0[23]\)/ })
      .waitFor({ timeout: 15_000 });

    // Bob's screen: the note, unplayed; he picks 1.5× and plays it.
    const bobNote = notes(bob.page).last();
    await bobNote.waitFor({ timeout: 15_000 });
    await bobNote.getByRole('img', { name: 'Not played yet' }).waitFor();
    await bobNote.getByRole('button', { name: 'Playback speed 1×' }).click();
    await bobNote.getByRole('button', { name: 'Playback speed 1.5×' }).waitFor();
    await bobNote.getByRole('button', { name: 'Play voice message' }).click();
    await bobNote.getByRole('button', { name: 'Pause voice message' }).waitFor({ timeout: 10_000 });
    expect(await bobNote.locator('audio').evaluate((a: HTMLAudioElement) => a.playbackRate)).toBe(
      1.5,
    );
    await screenshot(bob.page, 'voice-02-playing-at-1.5x');
    await bobNote.getByRole('img', { name: 'Played' }).waitFor({ timeout: 15_000 });

    // Ana sees the blue microphone.
    await anaNote.getByRole('img', { name: 'Played' }).waitFor({ timeout: 15_000 });
    await screenshot(ana.page, 'voice-03-sender-sees-played');

    // The waveform is the scrubber: keys move the position.
    // Two seconds at 1.5×: it ends on its own, back at the start with the Play button.
    await bobNote.getByRole('button', { name: 'Play voice message' }).waitFor({ timeout: 10_000 });
    const scrubber = bobNote.getByRole('slider', { name: 'Voice message position' });
    await scrubber.focus();
    await bob.page.keyboard.press('Home');
    expect(await scrubber.getAttribute('aria-valuenow')).toBe('0');
    await bob.page.keyboard.press('ArrowRight');
    expect(await scrubber.getAttribute('aria-valuenow')).toBe('1');
    expect(await scrubber.getAttribute('aria-valuetext')).toMatch(/^0:01 of 0:0[23]$/);

    expect(await audit(bob.page, 'voice-note-listener')).toEqual([]);
    expect(await audit(ana.page, 'voice-note-sender')).toEqual([]);

    // Hands-free: a click records locked; Escape discards it, nothing is sent.
    const before = await notes(ana.page).count();
    await mic.click();
    await ana.page.getByRole('button', { name: 'Stop recording' }).waitFor();
    await recordingTime(ana.page).filter({ hasText: '0:01' }).waitFor({ timeout: 10_000 });
    await screenshot(ana.page, 'voice-04-recording-locked');
    expect(await audit(ana.page, 'voice-recorder')).toEqual([]);
    await ana.page.keyboard.press('Escape');
    await recordingTime(ana.page).waitFor({ state: 'detached' });
    await mic.waitFor();

    // Again with the keyboard: Enter records locked, Stop keeps it, Send sends it.
    await mic.focus();
    await ana.page.keyboard.press('Enter');
    await recordingTime(ana.page).filter({ hasText: '0:01' }).waitFor({ timeout: 10_000 });
    await ana.page.getByRole('button', { name: 'Stop recording' }).click();
    await ana.page.getByText('Recorded — send or discard').waitFor();
    await ana.page.getByRole('button', { name: 'Send voice message' }).click();
    await expect.poll(() => notes(ana.page).count(), { timeout: 15_000 }).toBe(before + 1);
    await expect.poll(() => notes(bob.page).count(), { timeout: 15_000 }).toBe(before + 1);
  });

  it('a microphone the system refuses is explained, and nothing is recorded', async () => {
    const cy = await person('Cy Park');
    const dee = await person('Dee Moss');
    await cy.engine.client.startDirectChat(dee.userId);
    await cy.page.getByRole('button', { name: /^Dee Moss/ }).click();
    // What the system answers when the person (or an administrator) denied the microphone: the
    // fake UI always allows, so this one call is answered as a refusal instead.
    await cy.page.evaluate(() => {
      navigator.mediaDevices.getUserMedia = () =>
        Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    await cy.page.getByRole('button', { name: 'Record voice message' }).click();
    const alert = cy.page.getByRole('alert').filter({ hasText: 'Microphone access was denied' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Allow chitchat to use the microphone');
    expect(await recordingTime(cy.page).count()).toBe(0);
    await screenshot(cy.page, 'voice-05-microphone-denied');
  });
});
