// A shell in a pod's container (connection.exec with a TTY) drawn by xterm.js: keys go to the command's
// stdin, its output to the screen, the terminal's size follows its element and is sent as resize messages.
// When the command ends its exit code is shown; unmounting closes the session.

import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { SelectField } from '../../components/SelectField.tsx';
import type { ExecSession } from '../../connection/ClusterConnection.ts';
import { useConnection } from '../../store/ConnectionContext.tsx';
import { DEFAULT_COMMAND, parseCommand } from './execCommand.ts';
import { createXtermTerminal, type TerminalAdapter, type TerminalFactory } from './terminalAdapter.ts';

type Outcome = { code: number | undefined; error?: string } | undefined;

export interface ExecTerminalProps {
  namespace: string;
  pod: string;
  /** The pod's (non-init) containers. */
  containers: readonly string[];
  /** Tests pass a fake; the app uses xterm.js. */
  createTerminal?: TerminalFactory;
}

export function ExecTerminal({
  namespace,
  pod,
  containers,
  createTerminal = createXtermTerminal,
}: ExecTerminalProps) {
  const connection = useConnection();
  const hostRef = useRef<HTMLDivElement>(null);
  const terminalRef = useRef<TerminalAdapter | undefined>(undefined);
  const sessionRef = useRef<ExecSession | undefined>(undefined);
  const [container, setContainer] = useState(containers[0] ?? '');
  const [command, setCommand] = useState(DEFAULT_COMMAND);
  const [commandError, setCommandError] = useState<string | undefined>(undefined);
  const [running, setRunning] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(undefined);

  // One terminal for the life of the view; sessions come and go in it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the factory is fixed for the life of the view
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const terminal = createTerminal();
    terminalRef.current = terminal;
    terminal.open(host);
    terminal.fit();
    const input = terminal.onData((data) => sessionRef.current?.write(data));
    const resized = terminal.onResize(({ cols, rows }) => sessionRef.current?.resize(cols, rows));
    const observer =
      typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(() => terminal.fit());
    observer?.observe(host);
    return () => {
      observer?.disconnect();
      input.dispose();
      resized.dispose();
      sessionRef.current?.close();
      sessionRef.current = undefined;
      terminal.dispose();
      terminalRef.current = undefined;
    };
  }, []);

  const start = (event: FormEvent) => {
    event.preventDefault();
    const terminal = terminalRef.current;
    if (!terminal || sessionRef.current) return;
    const parsed = parseCommand(command);
    if (!parsed.ok) {
      setCommandError(parsed.error);
      return;
    }
    setCommandError(undefined);
    setOutcome(undefined);
    terminal.reset();
    terminal.fit();
    let session: ExecSession | undefined;
    let finished = false;
    const ended = (code: number | undefined, error?: string) => {
      // A late exit of an earlier session must not end the one running now.
      if (sessionRef.current !== undefined && sessionRef.current !== session) return;
      finished = true;
      sessionRef.current = undefined;
      setRunning(false);
      setOutcome({ code, error });
      terminal.write(
        error
          ? `\r\n\x1b[31m${error}\x1b[0m\r\n`
          : `\r\n\x1b[2m[exited with code ${code ?? 'unknown'}]\x1b[0m\r\n`,
      );
    };
    session = connection.exec(
      namespace,
      pod,
      {
        container: container || undefined,
        command: parsed.argv,
        tty: true,
        cols: terminal.cols,
        rows: terminal.rows,
      },
      { onOutput: (data) => terminal.write(data), onExit: ended },
    );
    // A command that could not start may report its exit before exec returns: then there is nothing to keep.
    if (finished) return;
    sessionRef.current = session;
    setRunning(true);
    terminal.focus();
  };

  const stop = () => {
    const session = sessionRef.current;
    if (!session) return;
    session.close();
    sessionRef.current = undefined;
    setRunning(false);
    setOutcome((o) => o ?? { code: undefined, error: 'Disconnected' });
  };

  return (
    <div className="exec-terminal">
      <form className="view-toolbar" onSubmit={start} aria-label="Exec">
        {containers.length > 1 && (
          <SelectField
            label="Container"
            value={container}
            options={containers}
            disabled={running}
            onChange={setContainer}
          />
        )}
        <label className="inline-label exec-command">
          Command
          <input
            className="input mono"
            value={command}
            disabled={running}
            aria-invalid={commandError !== undefined}
            onChange={(e) => setCommand(e.target.value)}
          />
        </label>
        {running ? (
          <Button variant="default" onClick={stop}>
            Disconnect
          </Button>
        ) : (
          <Button type="submit" variant="primary">
            Run
          </Button>
        )}
        {running && <span className="muted">Connected — type in the terminal.</span>}
      </form>
      {commandError && (
        <p className="inline-error" role="alert">
          {commandError}
        </p>
      )}
      <div className="terminal-host" ref={hostRef} data-testid="terminal" />
      {outcome && (
        <p className={outcome.error ? 'inline-error' : 'muted'} role="status" data-testid="exec-exit">
          {outcome.error
            ? outcome.code === undefined
              ? outcome.error
              : `${outcome.error} (exit code ${outcome.code})`
            : `The command exited with code ${outcome.code ?? 'unknown'}.`}
        </p>
      )}
    </div>
  );
}
