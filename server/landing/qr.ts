import QRCode from 'qrcode';

/** The QR code of `text` as inline SVG markup, drawn on the server so the page needs no script. */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
