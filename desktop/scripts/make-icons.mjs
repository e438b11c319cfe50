// Renders the app's icons from the SVGs in desktop/build (run after changing them:
// `npm run icons -w @chitchat/desktop`). The PNGs are committed: packaging needs no image tools.
//   build/icon.png            1024 px: electron-builder derives the .icns (macOS) and .ico (Windows)
//   build/icons/NxN.png       Linux icon set (AppImage, deb)
//   build/tray.png, @2x       Windows / Linux tray
//   build/trayTemplate.png, @2x  macOS menu bar (template image)
//   src/web/public/icons/     the web app's manifest icons: 192 and 512 px, and a maskable 512 px
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const buildDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'build');
const icon = path.join(buildDir, 'icon.svg');
const template = path.join(buildDir, 'tray-template.svg');

const render = (svg, size, file) =>
  sharp(svg, { density: Math.max(72, Math.ceil((72 * size) / 1024) * 4) })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toFile(path.join(buildDir, file));

await mkdir(path.join(buildDir, 'icons'), { recursive: true });
await render(icon, 1024, 'icon.png');
for (const size of [16, 32, 48, 64, 128, 256, 512])
  await render(icon, size, path.join('icons', `${size}x${size}.png`));
await render(icon, 16, 'tray.png');
await render(icon, 32, 'tray@2x.png');
await render(template, 16, 'trayTemplate.png');
await render(template, 32, 'trayTemplate@2x.png');

const webIcons = path.join(buildDir, '..', 'src', 'web', 'public', 'icons');
await mkdir(webIcons, { recursive: true });
const renderTo = (svg, size, file) =>
  sharp(svg, { density: Math.max(72, Math.ceil((72 * size) / 1024) * 4) })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toFile(path.join(webIcons, file));
await renderTo(icon, 192, 'icon-192.png');
await renderTo(icon, 512, 'icon-512.png');
await renderTo(path.join(buildDir, 'icon-maskable.svg'), 512, 'icon-maskable-512.png');
