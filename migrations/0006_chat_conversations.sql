CREATE TABLE `chat_feedback` (
	`turn` integer PRIMARY KEY NOT NULL,
	`session` text NOT NULL,
	`faq` text NOT NULL,
	`question` text NOT NULL,
	`confidence` real NOT NULL,
	`helpful` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `chat_feedback_created` ON `chat_feedback` (`created_at`);--> statement-breakpoint
CREATE TABLE `chat_handoffs` (
	`id` text PRIMARY KEY NOT NULL,
	`session` text,
	`payload` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`delivered_at` integer,
	`last_error` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `chat_handoffs_due` ON `chat_handoffs` (`delivered_at`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `chat_learned` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`faq` text NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `chat_learned_faq_text` ON `chat_learned` (`faq`,`text`);--> statement-breakpoint
CREATE TABLE `chat_turns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session` text NOT NULL,
	`role` text NOT NULL,
	`text` text NOT NULL,
	`faq` text,
	`reason` text,
	`confidence` real,
	`context` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `chat_turns_session` ON `chat_turns` (`session`,`id`);--> statement-breakpoint
CREATE INDEX `chat_turns_created` ON `chat_turns` (`created_at`);--> statement-breakpoint
ALTER TABLE `chat_misses` ADD `resolved_faq` text;