/// The viewer's reader of PMTiles v3 archives (served as /pmtiles.js): tiles fetched with HTTP range requests from
/// any server that honours them — `ictu serve`'s /export/, or a plain static web server — so a run's exported
/// archives can be shown without a tile server. Directories are gzip (the browser's DecompressionStream) or
/// uncompressed; tile ids are computed in doubles (exact to zoom 26, far past a street map's).
enum PMTilesScript {
    static let javascript = #"""
"use strict";
const PMTiles = (() => {
  const archives = new Map();

  async function bytes(url, offset, length) {
    const response = await fetch(url, { headers: { Range: `bytes=${offset}-${offset + length - 1}` } });
    if (response.status !== 206 && response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
    const buffer = await response.arrayBuffer();
    // A server that ignores Range sends the whole file (200): the part is cut from it.
    return new Uint8Array(response.status === 200 ? buffer.slice(offset, offset + length) : buffer);
  }

  async function inflate(data, compression) {
    if (compression === 1) return data;
    if (compression !== 2) throw new Error(`PMTiles directory compression ${compression} is not read here (gzip or none)`);
    const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  function directory(data) {
    let at = 0;
    const varint = () => {
      let value = 0, scale = 1, byte;
      do { byte = data[at++]; value += (byte & 0x7f) * scale; scale *= 128; } while (byte & 0x80);
      return value;
    };
    const n = varint(), entries = new Array(n);
    let id = 0;
    for (let i = 0; i < n; i++) { id += varint(); entries[i] = { id, run: 0, length: 0, offset: 0 }; }
    for (let i = 0; i < n; i++) entries[i].run = varint();
    for (let i = 0; i < n; i++) entries[i].length = varint();
    for (let i = 0; i < n; i++) {
      const v = varint();
      entries[i].offset = i > 0 && v === 0 ? entries[i - 1].offset + entries[i - 1].length : v - 1;
    }
    return entries;
  }

  function tileID(z, x, y) {
    let id = (Math.pow(4, z) - 1) / 3;
    for (let a = z - 1; a >= 0; a--) {
      const s = Math.pow(2, a), rx = (x & s) ? 1 : 0, ry = (y & s) ? 1 : 0;
      id += ((3 * rx) ^ ry) * s * s;
      if (ry === 0) {
        if (rx === 1) { x = s - 1 - (x & (s - 1)); y = s - 1 - (y & (s - 1)); }
        [x, y] = [y, x];
      }
    }
    return id;
  }

  function find(entries, id) {
    let low = 0, high = entries.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (entries[middle].id === id) return entries[middle];
      if (entries[middle].id < id) low = middle + 1; else high = middle - 1;
    }
    const e = entries[high];
    return e && (e.run === 0 || id - e.id < e.run) ? e : null;
  }

  function open(url) {
    if (!archives.has(url)) {
      archives.set(url, (async () => {
        const start = await bytes(url, 0, 16384);
        const view = new DataView(start.buffer, start.byteOffset, start.byteLength);
        if (new TextDecoder().decode(start.slice(0, 7)) !== "PMTiles" || start[7] !== 3) throw new Error(`${url}: not a PMTiles version 3 archive`);
        const u64 = at => Number(view.getBigUint64(at, true));
        const header = { rootOffset: u64(8), rootLength: u64(16), leafOffset: u64(40), dataOffset: u64(56), compression: start[97], minZoom: start[100], maxZoom: start[101] };
        const root = directory(await inflate(start.slice(header.rootOffset, header.rootOffset + header.rootLength), header.compression));
        return { header, root, leaves: new Map() };
      })());
    }
    return archives.get(url);
  }

  // The tile's bytes, or null when the archive has none there.
  async function tile(url, z, x, y) {
    const archive = await open(url), id = tileID(z, x, y);
    let entries = archive.root;
    for (let depth = 0; depth < 4; depth++) {
      const entry = find(entries, id);
      if (!entry) return null;
      if (entry.run > 0) return bytes(url, archive.header.dataOffset + entry.offset, entry.length);
      const key = entry.offset;
      if (!archive.leaves.has(key)) {
        archive.leaves.set(key, bytes(url, archive.header.leafOffset + entry.offset, entry.length)
          .then(data => inflate(data, archive.header.compression)).then(directory));
      }
      entries = await archive.leaves.get(key);
    }
    return null;
  }

  // A Leaflet layer of an archive's PNG tiles; setUrl changes the archive.
  const Layer = L.TileLayer.extend({
    createTile(coords, done) {
      const img = document.createElement("img");
      img.alt = "";
      img.setAttribute("role", "presentation");
      tile(this._url, coords.z, coords.x, coords.y).then(data => {
        img.onload = () => { URL.revokeObjectURL(img.src); done(null, img); };
        img.onerror = () => done(new Error("tile"), img);
        img.src = data ? URL.createObjectURL(new Blob([data], { type: "image/png" })) : "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==";
      }, error => done(error, img));
      return img;
    },
  });

  return { open, tile, tileID, layer: (url, options) => new Layer(url, options) };
})();
"""#
}
