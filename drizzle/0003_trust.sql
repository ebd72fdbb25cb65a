CREATE TABLE "trust_score_events" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"delta" double precision NOT NULL,
	"source" text NOT NULL,
	"source_ref" text NOT NULL,
	"rater" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "trust_score_events_source_check" CHECK ("trust_score_events"."source" in ('reflection', 'report_confirmed', 'cooldown_penalty', 'manual_review'))
);
--> statement-breakpoint
CREATE TABLE "trust_scores" (
	"user_id" text PRIMARY KEY NOT NULL,
	"score" double precision DEFAULT 0 NOT NULL,
	"reflections" double precision DEFAULT 0 NOT NULL,
	"moderation" double precision DEFAULT 0 NOT NULL,
	"cooldowns" double precision DEFAULT 0 NOT NULL,
	"manual" double precision DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "trust_score_events" ADD CONSTRAINT "trust_score_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trust_score_events" ADD CONSTRAINT "trust_score_events_rater_users_id_fk" FOREIGN KEY ("rater") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trust_scores" ADD CONSTRAINT "trust_scores_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "trust_score_events_once_idx" ON "trust_score_events" USING btree ("user_id","source","source_ref");--> statement-breakpoint
CREATE INDEX "trust_score_events_user_idx" ON "trust_score_events" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "trust_score_events_rater_idx" ON "trust_score_events" USING btree ("rater","created_at");