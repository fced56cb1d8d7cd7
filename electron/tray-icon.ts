/**
 * The menu-bar icon, drawn here rather than shipped as a file: three rising bars, black on
 * transparent, which macOS recolours for light and dark menu bars (a template image). 16 px and
 * its 32 px @2x version, as PNG data URLs for nativeImage.
 */
export const TRAY_ICON_1X = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAJUlEQVR42mNgGIrgPxIeAgb8x6JhOBtASPGoAWTGAlnJkxTMAACW42mXD1NcRQAAAABJRU5ErkJggg==';
export const TRAY_ICON_2X = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAPUlEQVR42u3XsQkAMAhFQfdf2kwQUgRR4R78Vq41QqovLwMA2A/IxwAAAPYCfg8DAAAA7AeMeyCqNg/Q0gGwUKZoSfMIoAAAAABJRU5ErkJggg==';
