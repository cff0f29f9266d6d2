// A Microsoft Teams body for a Workflows webhook ("Post to a channel when a webhook request is
// received"): a message carrying one Adaptive Card, a title in the severity's colour and a line
// per alert. The retired Office 365 connectors' MessageCard is not sent.
import { chatLines } from './chat-lines.ts';
import { noticeLevel, type Notice, type NoticeLevel } from './notice.ts';

interface TextBlock {
  type: 'TextBlock';
  text: string;
  wrap: true;
  weight?: 'Bolder';
  size?: 'Medium';
  color?: 'Attention' | 'Warning' | 'Good' | 'Default';
  spacing?: 'None';
}

export interface MsTeamsBody {
  type: 'message';
  attachments: Array<{
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: { $schema: string; type: 'AdaptiveCard'; version: '1.4'; body: TextBlock[] };
  }>;
}

const TEAMS_COLOR: Record<NoticeLevel, NonNullable<TextBlock['color']>> = { critical: 'Attention', warning: 'Warning', info: 'Default', resolved: 'Good' };

export function renderMsTeamsBody(notice: Notice): MsTeamsBody {
  // Teams refuses messages over about 28 kB.
  const { title, lines, more } = chatLines(notice, escapeTeams, { maxLines: 50, maxChars: 20_000 });
  const color = TEAMS_COLOR[noticeLevel(notice)];
  const body: TextBlock[] = [
    { type: 'TextBlock', text: title, wrap: true, weight: 'Bolder', size: 'Medium', color },
    ...lines.map((line): TextBlock => ({ type: 'TextBlock', text: `- ${line}`, wrap: true, spacing: 'None' })),
    ...(more ? [{ type: 'TextBlock', text: more, wrap: true } as TextBlock] : []),
  ];
  return {
    type: 'message',
    attachments: [{
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body },
    }],
  };
}

// A TextBlock reads a subset of Markdown: emphasis, lists and [links](…) lose their meaning behind a backslash.
export function escapeTeams(value: string): string {
  return value.replace(/[\\*_[\]()`#>-]/g, (c) => `\\${c}`);
}
