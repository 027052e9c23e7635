// A throwaway council for the browser test: the demo county and a second
// council in a temp dir, a throwaway CA and a certificate for 127.0.0.1, an
// NSS database that trusts the CA (Chromium's trust store on Linux), and
// iro-server over TLS on a free loopback port. Every process it starts is
// stopped by cleanup(), which also runs if the test fails.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const COMMAND_TIMEOUT_MS = 60_000;
const SERVER_START_TIMEOUT_MS = 20_000;
const SERVER_STOP_TIMEOUT_MS = 10_000;

// Runs a program to completion (bounded); its stdout, or an error with its stderr.
export function run(program, args, { input, timeoutMs = COMMAND_TIMEOUT_MS } = {}) {
  try {
    return execFileSync(program, args, {
      input, timeout: timeoutMs, maxBuffer: 256 << 20, encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    const why = error.signal ? `killed by ${error.signal}` : `exit ${error.status}`;
    throw new Error(`${path.basename(program)} ${args.join(' ')}: ${why}\n${error.stderr ?? ''}`);
  }
}

const password = () => randomBytes(12).toString('base64url'); // 16 characters

export class County {
  // tools: { server, iro, openssl, certutil } (program paths).
  constructor(tools) {
    this.tools = tools;
    this.dir = mkdtempSync(path.join(tmpdir(), 'iro-browser-'));
    this.data = path.join(this.dir, 'server');
    this.cleanups = [];
  }

  admin(...args) {
    return run(this.tools.server, ['admin', '--data', this.data, ...args]);
  }

  // The demo county (its manager gets a password), and another council with
  // one IRO who has a password too: the IRO the dashboard must refuse.
  setUp() {
    const demo = this.admin('demo-county');
    // Lines "iro ID  NAME  enrolment code CODE" and "manager ID  NAME[  ...]".
    this.iros = [...demo.matchAll(/^iro (\S+) +(.+?) +enrolment code (\S+)/gm)].map(
      ([, id, name, code]) => ({ id, name, code }));
    const manager = demo.match(/^manager (\S+) +(.+?)(?: {2,}|$)/m);
    if (!manager || this.iros.length === 0) throw new Error(`unexpected demo-county output:\n${demo}`);
    this.manager = { id: manager[1], name: manager[2], council: 'demo-county',
                     login: 'pat.manager', password: password() };
    this.setPassword(this.manager);

    this.admin('add-tenant', 'northshire');
    const added = this.admin('add-user', '--tenant', 'northshire', '--name', 'Robin Northshire-Iro',
                             '--role', 'iro');
    this.otherIro = { id: added.trim().split(/\s+/).at(-1), council: 'northshire',
                      login: 'robin.iro', password: password() };
    this.setPassword(this.otherIro);
  }

  setPassword(user) {
    run(this.tools.server, ['admin', '--data', this.data, 'set-password', '--user', user.id,
                            '--login', user.login], { input: `${user.password}\n` });
  }

  // A CA and a P-256 certificate for 127.0.0.1 (and localhost) signed by it,
  // as tests/support/test_certificates.cpp makes them; valid two days.
  makeCertificates() {
    const tls = path.join(this.dir, 'tls');
    mkdirSync(tls);
    const file = (name) => path.join(tls, name);
    const openssl = (...args) => run(this.tools.openssl, args);
    const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    openssl('req', '-x509', ...newKey, '-keyout', file('ca.key'), '-out', file('ca.pem'),
            '-days', '2', '-subj', '/CN=iro-sync browser test CA',
            '-addext', 'basicConstraints=critical,CA:TRUE');
    openssl('req', ...newKey, '-keyout', file('server.key'), '-out', file('server.csr'),
            '-subj', '/CN=127.0.0.1');
    writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey',
            file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '2',
            '-extfile', file('server.ext'));
    this.tls = { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key') };
  }

  // A home directory whose NSS database (~/.pki/nssdb, where Chromium on
  // Linux reads locally added trust) trusts the CA to identify servers
  // ("C,,"). The certificate is then verified as any site's is: chain,
  // name, dates; nothing is skipped. Returns the directory, for HOME.
  browserHome() {
    const home = path.join(this.dir, 'browser-home');
    const nssdb = `sql:${path.join(home, '.pki', 'nssdb')}`;
    mkdirSync(path.join(home, '.pki', 'nssdb'), { recursive: true });
    run(this.tools.certutil, ['-N', '-d', nssdb, '--empty-password']);
    run(this.tools.certutil, ['-A', '-d', nssdb, '-n', 'iro-sync browser test CA', '-t', 'C,,',
                              '-i', this.tls.ca]);
    return home;
  }

  // iro-server on 127.0.0.1, port chosen by the system (it prints it).
  async startServer() {
    this.serverLog = path.join(this.dir, 'iro-server.log');
    const log = openSync(this.serverLog, 'a');
    const server = spawn(this.tools.server,
                         ['serve', '--data', this.data, '--listen', '127.0.0.1:0',
                          '--tls-cert', this.tls.cert, '--tls-key', this.tls.key],
                         { stdio: ['ignore', 'pipe', log] });
    closeSync(log);  // the server has its own
    this.server = server;
    // Should the test itself die, the server must not outlive it.
    const orphanGuard = () => server.kill('SIGKILL');
    process.on('exit', orphanGuard);
    this.cleanups.push(() => this.stopServer(orphanGuard));

    this.url = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`iro-server did not say it was listening within ${SERVER_START_TIMEOUT_MS} ms`)),
        SERVER_START_TIMEOUT_MS);
      server.stdout.on('data', (chunk) => {
        appendFileSync(this.serverLog, chunk);  // its request log, beside stderr's
        out = (out + chunk).slice(-4096);
        const listening = out.match(/listening on 127\.0\.0\.1:(\d+)/);
        if (listening) {
          clearTimeout(timer);
          resolve(`https://127.0.0.1:${listening[1]}`);
        }
      });
      server.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`iro-server exited at start (${signal ?? code})\n${this.serverLogTail()}`));
      });
    });
    return this.url;
  }

  // SIGTERM drains and exits 0 (the server's contract); anything else, or
  // no exit within the bound, fails the test after a SIGKILL.
  async stopServer(orphanGuard) {
    const server = this.server;
    process.off('exit', orphanGuard);
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
    server.kill('SIGTERM');
    const bound = new Promise((resolve) => setTimeout(resolve, SERVER_STOP_TIMEOUT_MS, null).unref());
    const result = await Promise.race([exited, bound]);
    if (result === null) {
      server.kill('SIGKILL');
      throw new Error(`iro-server did not stop within ${SERVER_STOP_TIMEOUT_MS} ms of SIGTERM`);
    }
    if (result.code !== 0) {
      throw new Error(`iro-server stopped with ${result.signal ?? `exit ${result.code}`}\n${this.serverLogTail()}`);
    }
  }

  // A device store enrolled for `iro` over wss:// trusting the CA; returns
  // a function that runs `iro --db STORE ...` on it.
  enrolTablet(iro) {
    const db = path.join(this.dir, `tablet-${iro.id}.db`);
    const tablet = (...args) => run(this.tools.iro, ['--db', db, ...args]);
    tablet('enrol', '--server', this.url.replace('https:', 'wss:'), '--code', iro.code,
           '--name', 'Browser test tablet', '--ca-cert', this.tls.ca);
    return tablet;
  }

  serverLogTail() {
    try {
      return readFileSync(this.serverLog, 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '';
    }
  }

  // Runs the cleanups, newest first, each once even if another failed; the
  // temp dir goes only when the test passed (kept to read its server log).
  async cleanup({ passed }) {
    const errors = [];
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        errors.push(error);
      }
    }
    if (passed && errors.length === 0) rmSync(this.dir, { recursive: true, force: true });
    else console.error(`kept ${this.dir} (server log: ${this.serverLog})`);
    if (errors.length > 0) throw errors[0];
  }
}
